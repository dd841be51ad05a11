// 200 ms of delay on everything the server sends: the handshake alone then takes a round trip of 200 ms or more.
// netem applies it where the kernel has sch_netem, the sidecar's userspace engine everywhere else.
import { formatMs } from '../engine/judge/checks.ts'
import { exchange, tcpBetween } from '../engine/judge/packet-checks.ts'
import { defineScenario } from '../engine/model/scenario.ts'

const DELAY_MS = 200
// The userspace engine adds under a millisecond (docs/FAULTS.md), but a 2-core machine running a whole test suite
// (a load average of 17) can stall a process for tens of ms (up to 252 ms for these 200). Half the delay over still tells a
// 200 ms delay from none (a few ms) and from a doubled one (400 ms).
const TOLERANCE_MS = DELAY_MS / 2

export default defineScenario({
  title: `${DELAY_MS} ms of delay: the three-way handshake takes a round trip of about that`,
  teaches: 'O que é um Socket?',
  deadlineMs: 20_000,
  hosts: {
    server: { program: 'tcp-server', listens: 12345 },
    client: { program: 'tcp-client' },
  },
  faults: [{ kind: 'delay', host: 'server', ms: DELAY_MS }],
  capture: ['client'],
  expect: {
    client: { prints: ['Mensagem do servidor: Bem-vindo ao servidor!'], exit: 0 },
    server: { prints: ['Mensagem recebida do cliente: Olá, servidor!'], exit: 'running' },
  },
  check: ({ hosts: { client, server } }) => {
    const packets = tcpBetween(client.packets ?? [], { client, server, port: 12345 })
    const syn = packets.find((p) => p.flags === 'S')
    const synAck = packets.find((p) => p.flags === 'S.')
    const rtt = syn && synAck ? synAck.at - syn.at : undefined
    return [
      {
        description: `the handshake's round trip (SYN to SYN-ACK, seen at the client) took ${DELAY_MS} ms (at most ${TOLERANCE_MS} ms more)`,
        passed: rtt !== undefined && rtt >= DELAY_MS && rtt <= DELAY_MS + TOLERANCE_MS,
        reason:
          rtt === undefined
            ? "no SYN and SYN-ACK in the client's capture"
            : `SYN-ACK came ${formatMs(rtt)} after the SYN`,
        details: exchange(packets.slice(0, 3), [client, server]),
      },
    ]
  },
})
