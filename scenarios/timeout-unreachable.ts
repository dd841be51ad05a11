// Failure mode 1 of 3 for connect(): nothing answers at all, so only the client's own timeout ends the wait.
// (connection-refused: the host answers with a reset at once; host-unreachable: nobody answers ARP, no route.)
import { formatMs, printedAt } from '../engine/judge/checks.ts'
import { exchange, tcpBetween } from '../engine/judge/packet-checks.ts'
import { defineScenario } from '../engine/model/scenario.ts'

const TIMEOUT_MS = 5000 // the client's settimeout(5)

export default defineScenario({
  title: 'Timeout (not refused, not no route): the server drops every packet, settimeout(5) ends the wait',
  teaches: 'Tratando Exceções e Timeout',
  deadlineMs: 20_000,
  hosts: {
    // It listens, but its sidecar drops every packet (before the program starts, so before the client does).
    server: { program: 'tcp-server', listens: 12345 },
    client: { program: 'timeout-client' },
  },
  faults: [{ kind: 'blackhole', host: 'server' }],
  capture: ['client'],
  expect: {
    client: { prints: ['A conexão expirou.'], exit: 0 },
  },
  hints: [
    {
      id: 'no-settimeout',
      // Still in connect() well past 5 s: nothing set a timeout on the socket.
      match: ({
        run: {
          hosts: { client },
        },
      }) =>
        client?.exitCode === null && client.elapsedMs > TIMEOUT_MS + 1500
          ? {
              'pt-BR':
                'O cliente ficou preso no connect(): sem cliente.settimeout(5) antes dele, o kernel repete o SYN por cerca de 2 minutos. Defina o tempo limite e trate socket.timeout imprimindo "A conexão expirou.".',
              en: 'The client got stuck in connect(): without cliente.settimeout(5) before it, the kernel retries the SYN for about 2 minutes. Set the timeout and handle socket.timeout by printing "A conexão expirou.".',
            }
          : undefined,
    },
  ],
  check: ({ hosts: { client, server } }) => {
    const packets = tcpBetween(client.packets ?? [], { client, server, port: 12345 })
    const syns = packets.filter((p) => p.flags === 'S' && p.src === client.address)
    const answers = packets.filter((p) => p.src === server.address)
    const expired = printedAt(client, 'A conexão expirou.')
    const waited = expired !== undefined && syns[0] ? expired - syns[0].at : undefined
    return [
      {
        description: 'the client sent SYNs and the server answered nothing (no SYN-ACK, no RST)',
        passed: syns.length > 0 && answers.length === 0,
        reason: `${syns.length} SYN(s) from the client, ${answers.length} packet(s) back from the server; the blackhole dropped ${server.faultCounters?.blackhole ?? 0}`,
        details: exchange(packets, [client, server]),
      },
      {
        description: `the client gave up ${formatMs(TIMEOUT_MS)} after its first SYN (4.5–6.5 s), by its own timeout`,
        passed: waited !== undefined && waited >= TIMEOUT_MS - 500 && waited <= TIMEOUT_MS + 1500,
        reason:
          waited !== undefined
            ? `"A conexão expirou." ${formatMs(waited)} after the first SYN`
            : client.exitCode !== null
              ? `the client never printed "A conexão expirou."; ${syns.length ? 'it ended another way' : 'it sent no SYN'}`
              : client.elapsedMs > TIMEOUT_MS + 1500
                ? `the client hung for ${formatMs(client.elapsedMs)}: without settimeout, connect() waits for the kernel's SYN retries (~2 min)`
                : `the lab's deadline stopped the client ${formatMs(client.elapsedMs)} into its run, before its timeout could fire`,
      },
    ]
  },
})
