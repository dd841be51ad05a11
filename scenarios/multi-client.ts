// Eight clients at once against the seed's iterative server: listen(5) queues them, accept() takes one at a
// time, so every client is served, each after the previous one is done.
import { printedPeer } from '../engine/judge/sockets.ts'
import { tcpBetween } from '../engine/judge/packet-checks.ts'
import { defineScenario, type Check, type HostRun } from '../engine/model/scenario.ts'

const CLIENTS = Array.from({ length: 8 }, (_, i) => `client${i + 1}`)
const ANSWERED = /^Mensagem recebida do cliente: Olá, servidor! \((client\d+)\)$/

export default defineScenario({
  title: 'Eight clients at once, served one at a time by the iterative server',
  teaches: 'Cliente e Servidor com Sockets',
  deadlineMs: 40_000,
  hosts: {
    server: { program: 'tcp-server', listens: 12345 },
    ...Object.fromEntries(CLIENTS.map((name) => [name, { program: 'tcp-client', args: [name], after: ['server'] }])),
  },
  capture: ['server'],
  expect: {
    server: { prints: ['Servidor esperando por conexões...'], exit: 'running' },
    ...Object.fromEntries(
      CLIENTS.map((name) => [name, { prints: ['Mensagem do servidor: Bem-vindo ao servidor!'], exit: 0 }]),
    ),
  },
  check: ({ hosts }) => [servedAll(hosts), servedOneAtATime(hosts)],
})

function servedAll(hosts: Record<string, HostRun>): Check {
  const served = hosts.server.stdout.map((line) => line.text.match(ANSWERED)?.[1]).filter((name) => name !== undefined)
  const missing = CLIENTS.filter((name) => !served.includes(name))
  const turns = CLIENTS.map((name) => turn(hosts, name)).sort((a, b) => a.greetedAt - b.greetedAt)
  // How many connections sat in the accept queue (SYN seen, welcome not sent yet) when each one arrived.
  const queued = Math.max(
    0,
    ...turns.map((t) => turns.filter((o) => o !== t && o.synAt <= t.synAt && t.synAt < o.greetedAt).length),
  )
  return {
    description: `the server served all ${CLIENTS.length} clients`,
    passed: missing.length === 0,
    reason: `served ${served.length} of ${CLIENTS.length}, in this order: ${served.join(', ') || 'none'}${missing.length ? `; never served: ${missing.join(', ')}` : ''}; at most ${queued} waited in the listen queue at once (listen(5) lets 5 wait)`,
    details: turns.map((t) => t.text),
  }
}

/** The server's log must alternate "Conexão estabelecida" and "Mensagem recebida" of the same client. */
function servedOneAtATime(hosts: Record<string, HostRun>): Check {
  const names = Object.fromEntries(CLIENTS.map((name) => [hosts[name]?.address, name]))
  let serving: string | undefined
  for (const { text } of hosts.server.stdout) {
    const peer = text.startsWith('Conexão estabelecida com ') ? printedPeer(text) : undefined
    const connected = peer && [text, peer.address]
    const answered = text.match(ANSWERED)?.[1]
    const client = connected ? (names[connected[1]] ?? connected[1]) : answered
    const overlap = connected ? serving !== undefined : answered !== undefined && answered !== serving
    if (overlap) {
      return {
        description: 'the server served them one at a time',
        passed: false,
        reason: `${client} was ${connected ? 'accepted' : 'answered'} while ${serving ?? 'no client'} was being served: the server's output interleaves clients, so it did not serve them one at a time`,
      }
    }
    if (connected) serving = client
    if (answered) serving = undefined
  }
  return {
    description: 'the server served them one at a time',
    passed: true,
    reason: 'each client was accepted, greeted, heard and closed before the next one was accepted',
  }
}

/** When a client's SYN reached the server and when its welcome left, as the server's capture saw them. */
function turn(hosts: Record<string, HostRun>, name: string): { synAt: number; greetedAt: number; text: string } {
  const packets = hosts[name]?.address
    ? tcpBetween(hosts.server.packets ?? [], { client: hosts[name], server: hosts.server, port: 12345 })
    : []
  const syns = packets.filter((p) => p.flags === 'S')
  const welcome = packets.find((p) => p.src === hosts.server.address && p.length > 0)
  if (!syns.length || !welcome)
    return {
      synAt: syns[0]?.at ?? Infinity,
      greetedAt: Infinity,
      text: `${name}: ${syns.length ? 'connected, never greeted' : 'never connected'}`,
    }
  const retried =
    syns.length > 1 ? ` (SYN sent ${syns.length} times: the kernel drops SYNs while the accept queue is full)` : ''
  return {
    synAt: syns[0].at,
    greetedAt: welcome.at,
    text: `${name}: greeted ${Math.round(welcome.at - syns[0].at)} ms after its SYN${retried}`,
  }
}
