// The seed's first pair of programs: the server greets, the client answers, the server prints the answer.
import { bothWaiting } from '../engine/judge/hints.ts'
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
    server: {
      prints: ['Servidor esperando por conexões...', 'Mensagem recebida do cliente: Olá, servidor!'],
      exit: 'running',
    },
  },
  hints: [
    {
      id: 'no-welcome',
      // The client got in (the server printed it, or the capture shows the handshake) but never read a welcome:
      // it is still waiting in recv(). In this protocol the server speaks first.
      match: (e) => {
        const { client, server } = e.run.hosts
        const connected = server?.stdout.some((l) => l.text.startsWith('Conexão estabelecida')) || bothWaiting(e)
        return e.submitted.includes('server') && client?.exitCode === null && client.stdout.length === 0 && connected
          ? {
              'pt-BR':
                'O cliente conectou e ficou esperando a mensagem de boas-vindas: neste protocolo o servidor fala primeiro. Depois do accept(), envie "Bem-vindo ao servidor!" com send(), e só então leia a resposta com recv().',
              en: 'The client connected and kept waiting for the welcome: in this protocol the server speaks first. After accept(), send "Bem-vindo ao servidor!" with send(), and only then read the answer with recv().',
            }
          : undefined
      },
    },
  ],
})
