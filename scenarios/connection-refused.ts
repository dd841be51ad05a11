// Failure mode 2 of 3 for connect(): the host is up but nothing listens on the port, so its kernel answers the
// SYN with a reset at once. (timeout-unreachable: no answer, the timeout fires; host-unreachable: no route.)
import { formatMs, printedAt } from '../engine/judge/checks.ts'
import { exchange, tcpBetween } from '../engine/judge/packet-checks.ts'
import { defineScenario } from '../engine/model/scenario.ts'

const REFUSED = 'Erro de socket: [Errno 111] Connection refused'

export default defineScenario({
  title: 'Refused (not timeout, not no route): the host is up, no program listens, the SYN gets a RST',
  teaches: 'Tratando Exceções e Timeout',
  deadlineMs: 20_000,
  hosts: {
    server: { program: 'idle' },
    client: { program: 'timeout-client' },
  },
  capture: ['client'],
  expect: {
    client: { prints: [REFUSED], exit: 0 },
  },
  check: ({ hosts: { client, server } }) => {
    const packets = tcpBetween(client.packets ?? [], { client, server, port: 12345 })
    const syn = packets.find((p) => p.flags === 'S' && p.src === client.address)
    const reset = packets.find((p) => p.flags?.includes('R') && p.src === server.address)
    const refused = printedAt(client, REFUSED)
    const after = refused !== undefined && syn ? refused - syn.at : undefined
    return [
      {
        description: 'the server host answered the SYN with a RST',
        passed: syn !== undefined && reset !== undefined && reset.at >= syn.at,
        reason: !syn
          ? 'no SYN from the client'
          : reset
            ? `RST ${formatMs(reset.at - syn.at)} after the SYN`
            : 'no RST from the server host',
        details: exchange(packets, [client, server]),
      },
      {
        description: 'the client reported the refusal in under 1 s, not after its 5 s timeout',
        passed: after !== undefined && after < 1000,
        reason:
          after !== undefined
            ? `reported ${formatMs(after)} after the SYN`
            : client.stdout.some((l) => l.text === 'A conexão expirou.')
              ? 'it printed "A conexão expirou.": a refusal is not a timeout, the RST said so at once'
              : `it never printed ${JSON.stringify(REFUSED)}`,
      },
    ]
  },
})
