// The seed's first pair of programs: the server greets, the client answers, the server prints the answer.
import { defineScenario } from '../engine/model/scenario.ts'

export default defineScenario({
  title: 'TCP server and client exchange a greeting',
  teaches: 'Cliente e Servidor com Sockets',
  deadlineMs: 20_000,
  hosts: {
    server: { program: 'tcp-server', listens: 12345 },
    client: { program: 'tcp-client' },
  },
  expect: {
    client: { prints: ['Mensagem do servidor: Bem-vindo ao servidor!'], exit: 0 },
    server: { prints: ['Servidor esperando por conexões...', 'Mensagem recebida do cliente: Olá, servidor!'], exit: 'running' },
  },
  hints: [{
    id: 'no-welcome',
    // The client got in (the server saw it) but never read a welcome: it is still waiting in recv().
    match: ({ run: { hosts: { client, server } } }) =>
      client?.exitCode === null && client.stdout.length === 0 && server?.stdout.some((l) => l.text.startsWith('Conexão estabelecida')) ? {
        'pt-BR': 'O cliente conectou e ficou esperando a mensagem de boas-vindas: depois do accept(), envie "Bem-vindo ao servidor!" com send().',
        en: 'The client connected and kept waiting for the welcome: after accept(), send "Bem-vindo ao servidor!" with send().',
      } : undefined,
  }],
})
