// A chat room: one server, three clients at once. Every message one client sends reaches the other two, in the
// order it was sent, and never comes back to its sender; carol leaves early and alice and bob go on talking.
// The next step after the seed's one-client loop: a server that serves several clients at the same time.
import { defineScenario, type Check, type HostRun } from '../engine/model/scenario.ts'

const SENDS = { alice: 8, bob: 8, carol: 2 }
const STAYING = ['alice', 'bob'] as const
type Name = keyof typeof SENDS

/** The numbers of the messages `receiver` printed as coming from `sender`, in the order it printed them. */
const heard = (receiver: HostRun, sender: string) =>
  receiver.stdout.flatMap(({ text }) => {
    const n = text.match(new RegExp(`^Recebida: ${sender}: Mensagem (\\d+)$`))?.[1]
    return n ? [Number(n)] : []
  })
const upTo = (count: number) => Array.from({ length: count }, (_, i) => i + 1)

export default defineScenario({
  title: 'A chat room: three clients, every message reaches the others in order, one leaves',
  teaches: 'Comunicação Bidirecional e Persistente',
  deadlineMs: 25_000,
  hosts: {
    server: { program: 'chat-room-server', listens: 12345 },
    // A client of one's own (--host alice=cliente_sala.py) gets what the reference client gets as arguments as
    // LAB_NAME, LAB_MESSAGES and LAB_LEAVE (exercises/07-sala-de-chat).
    alice: {
      program: 'chat-room-client',
      args: ['alice', String(SENDS.alice)],
      env: { LAB_NAME: 'alice', LAB_MESSAGES: String(SENDS.alice) },
      after: ['server'],
    },
    bob: {
      program: 'chat-room-client',
      args: ['bob', String(SENDS.bob)],
      env: { LAB_NAME: 'bob', LAB_MESSAGES: String(SENDS.bob) },
      after: ['server'],
    },
    carol: {
      program: 'chat-room-client',
      args: ['carol', String(SENDS.carol), 'sai'],
      env: { LAB_NAME: 'carol', LAB_MESSAGES: String(SENDS.carol), LAB_LEAVE: '1' },
      after: ['server'],
    },
  },
  expect: {
    server: { prints: ['Servidor de chat esperando por conexões...'], exit: 'running' },
    alice: { prints: ['A sala está cheia', `Enviada: Mensagem ${SENDS.alice}`], exit: 0 },
    bob: { prints: ['A sala está cheia', `Enviada: Mensagem ${SENDS.bob}`], exit: 0 },
    carol: { prints: ['A sala está cheia', 'Saí da sala'], exit: 0 },
  },
  check: ({ hosts }) => [
    ...STAYING.map((receiver): Check => {
      const others = (Object.keys(SENDS) as Name[]).filter((name) => name !== receiver)
      const got = others.map((sender) => ({ sender, got: heard(hosts[receiver], sender), sent: upTo(SENDS[sender]) }))
      return {
        description: `${receiver} got every message of ${others.join(' and ')}, in order`,
        passed: got.every(({ got, sent }) => got.join() === sent.join()),
        reason: got
          .map(({ sender, got, sent }) => `from ${sender}: ${got.join(', ') || 'nothing'} of ${sent.length}`)
          .join('; '),
      }
    }),
    {
      description: 'nobody got its own messages back',
      passed: (Object.keys(SENDS) as Name[]).every((name) => heard(hosts[name], name).length === 0),
      reason: (Object.keys(SENDS) as Name[])
        .map((name) => `${name} heard itself ${heard(hosts[name], name).length} times`)
        .join(', '),
    },
    leftWithoutStopping(hosts),
  ],
})

/** After carol left, alice and bob still heard each other's messages: her leaving did not stop the room. */
function leftWithoutStopping(hosts: Record<string, HostRun>): Check {
  const description = 'after carol left, alice and bob still heard each other'
  const left = hosts.carol.stdout.find((line) => line.text === 'Saí da sala')
  if (!left) return { description, passed: false, reason: 'carol never left the room' }
  const leftAt = hosts.carol.startedAt + left.atMs
  const after = STAYING.map((sender) => {
    const receiver = STAYING.find((name) => name !== sender)!
    const later = hosts[sender].stdout.flatMap(({ atMs, text }) => {
      const n = text.match(/^Enviada: Mensagem (\d+)$/)?.[1]
      return n && hosts[sender].startedAt + atMs > leftAt ? [Number(n)] : []
    })
    const got = new Set(heard(hosts[receiver], sender))
    return { sender, receiver, later, missed: later.filter((n) => !got.has(n)) }
  })
  return {
    description,
    passed: after.every(({ later, missed }) => later.length > 0 && missed.length === 0),
    reason: after
      .map(
        ({ sender, receiver, later, missed }) =>
          `${sender} sent ${later.length} after carol left, ${receiver} missed ${missed.length ? missed.join(', ') : 'none'}`,
      )
      .join('; '),
  }
}
