// traceroute across two routers: UDP probes with TTL 1, 2, 3 to a closed port of the server. Each router answers
// the probe whose TTL runs out with it (ICMP time exceeded, 11/0), the server answers the one that arrives (ICMP
// port unreachable, 3/3). Programs have no raw socket: the Python reference reads each ICMP error with IP_RECVERR
// and recvmsg(MSG_ERRQUEUE) and prints the path; Node's dgram cannot read them (it sees only the server's refusal,
// as ECONNREFUSED), so it prints "*" for the routers. The checks read the client's capture, which shows it all.
import { defineScenario, type Check, type HostRun } from '../engine/model/scenario.ts'

const TIME_EXCEEDED = 11
const UNREACHABLE = 3
const PORT_UNREACHABLE = 3

export default defineScenario({
  title: 'traceroute across two routers: ICMP time exceeded from each, then port unreachable',
  teaches: 'Sockets UDP',
  deadlineMs: 20_000,
  networks: { near: {}, middle: {}, far: {} },
  hosts: {
    server: {
      program: 'idle',
      networks: ['far'],
      routes: [
        { to: 'near', via: 'r2' },
        { to: 'middle', via: 'r2' },
      ],
    },
    r2: {
      program: 'idle',
      networks: { middle: { address: 253 }, far: { address: 254 } },
      router: {},
      routes: [{ to: 'near', via: 'r1' }],
    },
    r1: {
      program: 'idle',
      networks: { near: { address: 254 }, middle: { address: 254 } },
      router: {},
      routes: [{ to: 'far', via: 'r2' }],
    },
    client: {
      program: 'traceroute',
      networks: ['near'],
      routes: [
        { to: 'middle', via: 'r1' },
        { to: 'far', via: 'r1' },
      ],
    },
  },
  capture: ['client'],
  expect: {
    server: { exit: 'running' },
    r1: { exit: 'running' },
    r2: { exit: 'running' },
    client: { prints: ['Chegou a server em 3 saltos'], exit: 0 },
  },
  check: ({ hosts }) => [expectPath(hosts)],
})

/** The ICMP answers in the client's capture, in order: time exceeded from r1, from r2, then port unreachable from
 * the server; and the probes that drew them left with TTL 1, 2 and 3. */
function expectPath(hosts: Record<string, HostRun>): Check {
  const description = 'the probes drew ICMP time exceeded from r1, then r2, then port unreachable from server'
  const packets = hosts.client.packets ?? []
  const expected = [
    { who: 'r1', from: hosts.r1.addresses?.near, type: TIME_EXCEEDED, code: 0 },
    { who: 'r2', from: hosts.r2.addresses?.middle, type: TIME_EXCEEDED, code: 0 },
    { who: 'server', from: hosts.server.address, type: UNREACHABLE, code: PORT_UNREACHABLE },
  ]
  const answers = packets.filter((p) => p.proto === 'icmp' && p.dst === hosts.client.address)
  // the first answer from each sender, in the order they came
  const firsts = answers.filter((p, i) => answers.findIndex((q) => q.src === p.src) === i)
  const name = (address: string) => expected.find((e) => e.from === address)?.who ?? address
  const seen = firsts.map((p) => `${p.icmp?.type}/${p.icmp?.code} from ${name(p.src)}`)
  const ttls = [
    ...new Set(
      packets
        .filter((p) => p.proto === 'udp' && p.src === hosts.client.address && p.dst === hosts.server.address)
        .map((p) => p.ttl),
    ),
  ]
  const inOrder =
    firsts.length === expected.length &&
    expected.every(
      (e, i) => firsts[i].src === e.from && firsts[i].icmp?.type === e.type && firsts[i].icmp?.code === e.code,
    )
  return {
    description,
    passed: inOrder && ttls.join() === '1,2,3',
    reason: `ICMP ${seen.join(', ') || 'none'}; probes left with TTL ${ttls.join(', ') || 'none'}`,
  }
}
