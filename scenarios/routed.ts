// Two subnets joined by a router: the client reaches the server only through it, and each side's capture proves
// it: one TTL less, and the router's MAC in place of the client's on the server's side.
import { expectRouted } from '../engine/judge/route-checks.ts'
import { defineScenario } from '../engine/model/scenario.ts'

export default defineScenario({
  title: 'Client and server in two subnets, through a router',
  teaches: 'Cliente e Servidor com Sockets',
  deadlineMs: 20_000,
  networks: { clients: {}, servers: {} },
  hosts: {
    server: {
      program: 'tcp-server',
      listens: 12345,
      networks: ['servers'],
      routes: [{ to: 'clients', via: 'router' }],
    },
    router: { program: 'idle', networks: { clients: { address: 254 }, servers: { address: 254 } }, router: {} },
    client: { program: 'tcp-client', networks: ['clients'], routes: [{ to: 'servers', via: 'router' }] },
  },
  capture: true,
  expect: {
    server: { prints: ['Servidor esperando por conexões...'], exit: 'running' },
    router: { exit: 'running' },
    client: { prints: ['Mensagem do servidor: Bem-vindo ao servidor!'], exit: 0 },
  },
  check: ({ hosts }) => [
    expectRouted(hosts, { client: 'client', server: 'server', router: 'router', network: 'servers', port: 12345 }),
  ],
})
