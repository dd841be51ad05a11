// A client behind a masquerading router (a home network): the server sees the router's address, never the
// client's; and a port forward on the router lets a visitor from outside reach a server inside.
import { printedPeer } from '../engine/judge/sockets.ts'
import { defineScenario, type Check, type HostRun } from '../engine/model/scenario.ts'

const WELCOMED = 'Mensagem do servidor: Bem-vindo ao servidor!'

export default defineScenario({
  title: 'A client behind NAT, and a port forward into the home network',
  teaches: 'Cliente e Servidor com Sockets',
  deadlineMs: 20_000,
  networks: { home: {}, internet: {} },
  hosts: {
    server: { program: 'tcp-server', listens: 12345, networks: ['internet'] },
    web: { program: 'tcp-server', listens: 12345, networks: ['home'], routes: [{ to: 'default', via: 'router' }] },
    router: {
      program: 'idle',
      networks: { home: { address: 254 }, internet: { address: 254 } },
      router: { nat: { network: 'internet', forwards: [{ port: 12345, to: 'web' }] } },
    },
    client: { program: 'tcp-client', args: ['client'], networks: ['home'], routes: [{ to: 'default', via: 'router' }] },
    visitor: { program: 'tcp-client', args: ['visitor'], networks: ['internet'], env: { LAB_SERVER_HOST: 'router' } },
  },
  capture: true,
  expect: {
    server: { prints: ['Servidor esperando por conexões...'], exit: 'running' },
    web: { prints: ['Servidor esperando por conexões...'], exit: 'running' },
    router: { exit: 'running' },
    client: { prints: [WELCOMED], exit: 0 },
    visitor: { prints: [WELCOMED], exit: 0 },
  },
  check: ({ hosts }) => [
    sawConnectionFrom(
      hosts,
      'server',
      'client',
      hosts.router?.addresses?.internet,
      "the router's address on internet: NAT hid the client",
    ),
    sawConnectionFrom(
      hosts,
      'web',
      'visitor',
      hosts.visitor?.address,
      "the visitor's own address: the port forward changed only the destination",
    ),
  ],
})

/** Whom `server` says it accepted a connection from, compared with the address it should have seen. */
function sawConnectionFrom(
  hosts: Record<string, HostRun>,
  server: string,
  client: string,
  expected: string | undefined,
  meaning: string,
): Check {
  const description = `${server} saw ${client}'s connection come from ${meaning.split(':')[0]}`
  const seen = hosts[server]?.stdout
    .map((line) => (line.text.startsWith('Conexão estabelecida com ') ? printedPeer(line.text)?.address : undefined))
    .find((address) => address !== undefined)
  if (!seen) return { description, passed: false, reason: `${server} accepted no connection` }
  const who =
    seen === hosts[client]?.address
      ? `${client}'s own address`
      : seen === hosts.router?.addresses?.internet
        ? "the router's address on internet"
        : 'an unknown address'
  return {
    description,
    passed: seen === expected,
    reason: `${server} printed a connection from ${seen} (${who})${seen === expected ? `: ${meaning.split(': ')[1]}` : `, not ${expected}`}`,
  }
}
