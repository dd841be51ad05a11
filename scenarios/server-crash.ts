// The server dies mid-conversation: its kernel closes the connection, the client's recv() returns empty (EOF)
// or fails with a reset, and a client that checks for it reports it and ends instead of hanging.
import { formatMs, printedAt } from '../engine/judge/checks.ts'
import { defineScenario } from '../engine/model/scenario.ts'

const CLOSED = 'Conexão encerrada pelo servidor.'

export default defineScenario({
  title: 'The server crashes mid-conversation: the client sees the close, reports it and ends',
  teaches: 'Comunicação Bidirecional e Persistente',
  deadlineMs: 20_000,
  hosts: {
    server: { program: 'crashing-server', listens: 12345 },
    client: { program: 'persistent-client' },
  },
  expect: {
    server: { prints: ['Cliente: Olá, servidor!', 'Cliente: Ainda está aí?'], exit: 1 },
    client: {
      prints: ['Mensagem do servidor: Bem-vindo ao servidor!', 'Resposta do servidor: Mensagem recebida!', CLOSED],
      exit: 0,
    },
  },
  check: ({ hosts: { client, server } }) => {
    const died = server.exitCode !== null ? server.startedAt + server.elapsedMs : undefined
    const reported =
      printedAt(client, CLOSED) ?? printedAt(client, 'Erro de socket: [Errno 104] Connection reset by peer')
    const after = died !== undefined && reported !== undefined ? reported - died : undefined
    return [
      {
        description: 'the client reported the closed connection within 1 s of the crash',
        passed: after !== undefined && after <= 1000,
        reason:
          died === undefined
            ? 'the server never crashed'
            : after !== undefined
              ? `reported ${formatMs(Math.max(0, after))} after the server died`
              : client.exitCode === null
                ? `the client never reported it and was still running ${formatMs(client.elapsedMs)} in: recv() returning nothing (b'') means the server closed; a loop that ignores it never ends`
                : `the client ended without reporting it; its last line: ${JSON.stringify(client.stdout.at(-1)?.text ?? '')}`,
      },
    ]
  },
})
