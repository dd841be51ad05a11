// The seed's first pair of programs: the server greets, the client answers, the server prints the answer.
import { defineScenario } from '../engine/scenario.ts'

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
})
