// Checks of a routed path, read from the captures on both sides of a router: the same packet (same addresses and
// IPv4 id) leaves the sender with one TTL and reaches the receiver with one less per router, in a frame whose
// source MAC is the last router's, not the sender's.
import type { Check, HostRun, Packet } from '../model/scenario.ts'

/** The same IPv4 packet in another capture: same addresses, same identification, same protocol and ports. */
function samePacket(packet: Packet, capture: Packet[]): Packet | undefined {
  return capture.find(
    (seen) =>
      seen.src === packet.src &&
      seen.dst === packet.dst &&
      seen.ipId === packet.ipId &&
      seen.proto === packet.proto &&
      seen.sport === packet.sport &&
      seen.dport === packet.dport,
  )
}

/** The first TCP SYN the client sent to `port`, as each side captured it, crossed `routers` routers, the last of
 * which (`router`, on `network`) gave the frame its own source MAC. */
export function expectRouted(
  hosts: Record<string, HostRun>,
  o: { client: string; server: string; router: string; network: string; port: number; routers?: number },
): Check {
  const description = `${o.client}'s packets reached ${o.server} through ${o.router}: TTL ${o.routers ?? 1} lower, ${o.router}'s MAC as the source`
  const fail = (reason: string): Check => ({ description, passed: false, reason })
  const client = hosts[o.client]
  const sent = client?.packets?.find(
    (p) => p.proto === 'tcp' && p.flags === 'S' && p.dport === o.port && p.src === client.address,
  )
  if (!sent) return fail(`${o.client}'s capture holds no SYN to port ${o.port}`)
  const arrived = samePacket(sent, hosts[o.server]?.packets ?? [])
  if (!arrived) return fail(`${o.client}'s SYN (IPv4 id ${sent.ipId}) never appears in ${o.server}'s capture`)
  const left = (hosts[o.router]?.packets ?? []).find(
    (p) => p.network === o.network && p.srcMac === arrived.srcMac && samePacket(sent, [p]),
  )
  const expectedTtl = (sent.ttl ?? 0) - (o.routers ?? 1)
  const observed = `TTL ${sent.ttl} at ${o.client}, ${arrived.ttl} at ${o.server}; source MAC ${sent.srcMac} at ${o.client}, ${arrived.srcMac} at ${o.server}`
  if (arrived.ttl !== expectedTtl) return fail(`${observed}: the TTL should have gone down by ${o.routers ?? 1}`)
  if (arrived.srcMac === sent.srcMac)
    return fail(`${observed}: the frame still carries the sender's MAC, so no router forwarded it`)
  if (!left) return fail(`${observed}: ${o.router}'s capture does not show it leaving by ${o.network} with that MAC`)
  return { description, passed: true, reason: `${observed} (${o.router}'s interface on ${o.network})` }
}
