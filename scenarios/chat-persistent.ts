// The seed's persistent loop: many messages over one connection, one reply each, and the server leaves its
// loop when the client closes (recv returns nothing).
import { speaksFirst } from '../engine/judge/hints.ts'
import { exchange, tcpBetween } from '../engine/judge/packet-checks.ts'
import { defineScenario } from '../engine/model/scenario.ts'

const lines = (count: number, line: (i: number) => string) => Array.from({ length: count }, (_, i) => line(i + 1))

export default defineScenario({ messages: 5 }, ({ messages }) => ({
  title: 'A persistent connection: many messages and replies, one handshake',
  teaches: 'Comunicação Bidirecional e Persistente',
  deadlineMs: 20_000,
  hosts: {
    server: { program: 'chat-server', listens: 12345 },
    client: { program: 'chat-client', args: [String(messages)] },
  },
  capture: ['server'],
  hints: [
    {
      id: 'never-closed',
      // A server still in its loop after the client closed (exit 0, its FIN in the capture) never saw recv() return
      // nothing, or ignored it. A client that was refused or crashed never got that far: that is another mistake.
      match: ({
        run: {
          hosts: { server, client },
        },
        submitted,
      }) =>
        submitted.includes('server') &&
        server?.started &&
        server.exitCode === null &&
        client?.exitCode === 0 &&
        (server.packets ?? []).some((p) => p.src === client.address && p.flags?.includes('F'))
          ? {
              'pt-BR':
                "O servidor nunca saiu do laço: quando recv() devolve vazio (b''), o cliente fechou a conexão; use `if not dados: break` e feche o socket com close().",
              en: "The server never left its loop: when recv() returns nothing (b''), the client has closed; use `if not dados: break` and close() the socket.",
              // Still running after every answer came back: it is done talking, so it only forgot to close.
            }
          : submitted.includes('client') &&
              client?.started &&
              client.exitCode === null &&
              client.stdout.filter((l) => l.text === 'Resposta do servidor: Mensagem recebida!').length === messages
            ? {
                'pt-BR':
                  'O cliente nunca fechou a conexão: depois da última mensagem, chame close() para o servidor saber que acabou.',
                en: 'The client never closed the connection: after the last message, call close() so the server knows it is over.',
              }
            : undefined,
    },
    speaksFirst('client-speaks-first', {
      'pt-BR':
        'A conexão foi aberta, mas os dois lados ficaram esperando em recv(): neste protocolo o cliente fala primeiro (envia "Mensagem 1"), e o servidor só responde depois de receber.',
      en: 'The connection opened, but both sides kept waiting in recv(): in this protocol the client speaks first (it sends "Mensagem 1"), and the server answers only what it received.',
    }),
  ],
  expect: {
    client: { prints: lines(messages, () => 'Resposta do servidor: Mensagem recebida!'), exit: 0 },
    server: { prints: lines(messages, (i) => `Cliente: Mensagem ${i}`), exit: 0 },
  },
  check: ({ hosts: { client, server } }) => {
    const packets = tcpBetween(server.packets ?? [], { client, server, port: 12345 })
    const ports = [...new Set(packets.filter((p) => p.flags === 'S').map((p) => p.sport))]
    const clientFin = packets.findIndex((p) => p.flags?.includes('F') && p.src === client.address)
    const serverFin = packets.findIndex((p) => p.flags?.includes('F') && p.src === server.address)
    return [
      {
        description: `the ${messages} messages crossed one connection: one handshake`,
        passed: ports.length === 1,
        reason:
          ports.length === 1
            ? `one SYN, from client port ${ports[0]}, for all ${messages} messages`
            : `${ports.length} handshakes (client ports ${ports.join(', ') || 'none'}): a persistent client connects once and loops send/recv on that socket`,
        details: exchange(packets, [client, server]),
      },
      {
        description: 'the server left its loop when the client closed',
        passed: clientFin >= 0 && serverFin > clientFin && server.exitCode === 0,
        reason:
          clientFin < 0
            ? 'the client never closed with a FIN'
            : serverFin < clientFin
              ? 'the server closed first, before the client was done'
              : `client FIN, then server FIN ${Math.round(packets[serverFin].at - packets[clientFin].at)} ms later: its recv returned nothing and the loop ended (server exit code ${server.exitCode})`,
      },
    ]
  },
}))
