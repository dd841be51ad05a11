// The seed's server as written binds 'localhost': a program on its own host reaches it, a client on another
// host is refused. The lab's other scenarios run it bound to 0.0.0.0 for that reason.
import { errorLine } from '../engine/judge/checks.ts'
import { exchange, tcpBetween } from '../engine/judge/packet-checks.ts'
import { defineScenario } from '../engine/model/scenario.ts'

const REFUSED = /ECONNREFUSED|Connection refused/

export default defineScenario({
  title: "A server bound to 'localhost' refuses clients on other hosts",
  teaches: 'Cliente e Servidor com Sockets',
  deadlineMs: 20_000,
  hosts: {
    server: { program: 'tcp-server-localhost', listens: 12345 },
    // A second program in the server's own host: there 'localhost' is the server's loopback.
    local: { program: 'tcp-client', inside: 'server', env: { LAB_SERVER_HOST: 'localhost' } },
    client: { program: 'tcp-client', after: ['server'] },
  },
  capture: ['server'],
  expect: {
    local: { prints: ['Mensagem do servidor: Bem-vindo ao servidor!'], exit: 0 },
    client: { exit: 1 },
    server: { prints: ['Mensagem recebida do cliente: Olá, servidor!'], exit: 'running' },
  },
  check: ({ hosts: { client, server } }) => {
    const error = errorLine(client)
    const refusal = error && REFUSED.test(error) ? error : undefined
    const sockets = server.listening?.filter((socket) => socket.endsWith(':12345/tcp')) ?? []
    const listens = sockets.length
      ? `the server listens on ${sockets.join(', ')}`
      : 'the server listens on no port 12345'
    const welcome = client.stdout.find((line) => line.text.startsWith('Mensagem do servidor:'))?.text
    return [
      {
        description: 'a client on another host is refused',
        passed: client.exitCode !== 0 && refusal !== undefined,
        reason: refusal
          ? `client exited with code ${client.exitCode}: ${refusal}; ${listens}: bind(('localhost', 12345)) listens only on the server's own loopback, bind 0.0.0.0 to accept clients from other hosts`
          : welcome
            ? `client connected from another host and printed ${JSON.stringify(welcome)}: the server is reachable from other hosts (${listens}), so the lesson's premise, a localhost server refusing them, does not hold`
            : `client exited with code ${client.exitCode} without a refusal; its last error: ${JSON.stringify(error ?? '')}`,
        details: exchange(tcpBetween(server.packets ?? [], { client, server, port: 12345 }), [client, server]),
      },
    ]
  },
})
