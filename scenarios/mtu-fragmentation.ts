// A path whose last link has an MTU of 1280: a 3000-byte UDP datagram crosses it in IP fragments (the router
// fragments again what the client fragmented for its own 1500) and arrives whole; a 1400-byte one with Don't
// Fragment does not, and the router tells the sender (ICMP 3/4). The Python client sets DF itself
// (IP_PMTUDISC_DO) and then gets EMSGSIZE; Node's dgram cannot, but Linux's default path-MTU discovery sets DF
// on every datagram that fits the route, so the wire shows the same and the checks read the wire. TCP needs no
// fragment: the server's SYN-ACK announces an MSS of 1240, and 256 KiB arrive intact.
import { expectFragmentationNeeded, expectFragmented, expectMssAdapted } from '../engine/judge/mtu-checks.ts'
import { defineScenario, type HostRun } from '../engine/model/scenario.ts'

const MTU = 1280
const sha256 = (host?: HostRun) =>
  host?.stdout.map((l) => l.text.match(/^SHA-256 dos dados: (\w+)$/)?.[1]).find(Boolean)

export default defineScenario({
  title: "A 1280-byte MTU on the path: IP fragments, Don't Fragment, and TCP's MSS",
  teaches: 'Sockets UDP',
  deadlineMs: 25_000,
  networks: { lan: {}, narrow: { mtu: MTU } },
  hosts: {
    server: {
      program: 'udp-size-server',
      listens: 12345,
      networks: ['narrow'],
      routes: [{ to: 'lan', via: 'router' }],
    },
    sink: { program: 'recv-loop-server', listens: 12345, networks: ['narrow'], routes: [{ to: 'lan', via: 'router' }] },
    router: { program: 'idle', networks: { lan: { address: 254 }, narrow: { address: 254 } }, router: {} },
    client: { program: 'udp-big-client', networks: ['lan'], routes: [{ to: 'narrow', via: 'router' }] },
    sender: {
      program: 'stream-client',
      args: ['256', 'sink'],
      networks: ['lan'],
      routes: [{ to: 'narrow', via: 'router' }],
      after: ['sink', 'router'],
    },
  },
  capture: ['client', 'server', 'sender'],
  expect: {
    server: { prints: ['Servidor UDP esperando por mensagens...'], exit: 'running' },
    sink: { prints: ['Servidor esperando por conexões...'], exit: 'running' },
    router: { exit: 'running' },
    client: { prints: ['Resposta do servidor: Recebidos 3000 bytes'], exit: 0 },
    sender: { prints: ['sink: 262144 bytes enviados; o servidor fechou a conexão'], exit: 0 },
  },
  check: ({ hosts }) => [
    expectFragmented(hosts, { client: 'client', server: 'server', bytes: 3000, mtu: MTU }),
    expectFragmentationNeeded(hosts, { client: 'client', server: 'server', bytes: 1400 }),
    expectMssAdapted(hosts, { client: 'sender', port: 12345, mtu: MTU }),
    {
      description: 'the 256 KiB TCP transfer arrived intact',
      passed: sha256(hosts.sender) !== undefined && sha256(hosts.sender) === sha256(hosts.sink),
      reason: `SHA-256 sent ${sha256(hosts.sender)?.slice(0, 16) ?? 'unknown'}…, received ${sha256(hosts.sink)?.slice(0, 16) ?? 'none'}…`,
    },
  ],
})
