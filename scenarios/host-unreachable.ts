// Failure mode 3 of 3 for connect(): the name resolves but nobody holds the address, so ARP gets no answer, no
// SYN ever leaves, and the kernel reports no route to host. (timeout-unreachable: SYNs go unanswered until the
// timeout; connection-refused: the host answers with a reset.)
import { formatMs, printedAt } from '../engine/judge/checks.ts'
import { exchange } from '../engine/judge/packet-checks.ts'
import { defineScenario } from '../engine/model/scenario.ts'

const NO_ROUTE = 'Erro de socket: [Errno 113] No route to host'

export default defineScenario({
  title: 'No route (not timeout, not refused): the address answers no ARP, the kernel gives up after ~3 s',
  teaches: 'Tratando Exceções e Timeout',
  deadlineMs: 20_000,
  hosts: {
    // `listens` holds the client back until ghost's sidecar took its link down (its program starts after that).
    ghost: { program: 'tcp-server', listens: 12345 },
    client: { program: 'timeout-client', env: { LAB_SERVER_HOST: 'ghost' } },
  },
  faults: [{ kind: 'disconnect', host: 'ghost' }],
  capture: ['client'],
  expect: {
    client: { prints: [NO_ROUTE], exit: 0 },
  },
  check: ({ hosts: { client, ghost } }) => {
    const packets = (client.packets ?? []).filter((p) => p.src === ghost.address || p.dst === ghost.address)
    const requests = packets.filter((p) => p.proto === 'arp' && p.flags === 'request')
    const replies = packets.filter((p) => p.proto === 'arp' && p.flags === 'reply')
    const tcp = packets.filter((p) => p.proto === 'tcp')
    const reported = printedAt(client, NO_ROUTE)
    const after = reported !== undefined && requests[0] ? reported - requests[0].at : undefined
    return [
      {
        description: `the client asked ARP who has ghost (${ghost.address}), got no reply, and sent no SYN`,
        passed: requests.length > 0 && replies.length === 0 && tcp.length === 0,
        reason: `${requests.length} ARP request(s), ${replies.length} reply(ies), ${tcp.length} TCP packet(s) to ${ghost.address}`,
        details: exchange(packets, [client, ghost]),
      },
      {
        description: 'the client reported no route once ARP gave up (~3 s), before its 5 s timeout',
        passed: after !== undefined && after >= 2000 && after <= 4500,
        reason:
          after !== undefined
            ? `reported ${formatMs(after)} after the first ARP request`
            : client.stdout.some((l) => l.text === 'A conexão expirou.')
              ? 'it printed "A conexão expirou.": the kernel said no route to host, that is not a timeout'
              : `it never printed ${JSON.stringify(NO_ROUTE)}`,
      },
    ]
  },
})
