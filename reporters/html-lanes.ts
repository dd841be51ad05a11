// The sequence diagram of a lab of several networks: one lane per host interface, so a routed packet is drawn once
// per network it crossed (client → router on one, router → server on the next), each arrow marked with its network.
// Routers sit between the networks they join: every network's lanes run from the routers that lead back toward
// the first network, through its own hosts, to the routers that lead on.
import type { HostRun, Packet } from '../engine/model/scenario.ts'

export interface Lane {
  id: string
  host: string
  network: string
  address: string
}

/** A host's lane on a network: the host's name alone when it has only one interface. */
const laneId = (host: HostRun, network: string) =>
  Object.keys(host.addresses ?? {}).length > 1 ? `${host.host}@${network}` : host.host

/** Whether this run is of a lab of several networks: its hosts say their address on each. */
export const onSeveralNetworks = (hosts: HostRun[]) =>
  hosts.some((h) => h.addresses) && new Set(hosts.flatMap((h) => Object.keys(h.addresses ?? {}))).size > 1

export function interfaceLanes(hosts: HostRun[]): Lane[] {
  const networks = [...new Set(hosts.flatMap((h) => Object.keys(h.addresses ?? {})))]
  const order = (name: string) => networks.indexOf(name)
  const lanes: Lane[] = []
  for (const network of networks) {
    const on = hosts.filter((h) => h.addresses?.[network])
    const others = (h: HostRun) =>
      Object.keys(h.addresses!)
        .filter((n) => n !== network)
        .map(order)
    const fromLeft = on
      .filter((h) => others(h).some((n) => n < order(network)))
      .sort((a, b) => Math.min(...others(a)) - Math.min(...others(b)))
    const single = on.filter((h) => others(h).length === 0)
    const onward = on
      .filter((h) => !fromLeft.includes(h) && !single.includes(h))
      .sort((a, b) => Math.min(...others(a)) - Math.min(...others(b)))
    for (const h of [...fromLeft, ...single, ...onward])
      lanes.push({ id: laneId(h, network), host: h.host, network, address: h.addresses![network] })
  }
  return lanes
}

export interface Segment {
  packet: Packet
  network: string
  from: string
  to: string
  dropped: boolean
}

const packetKey = (p: Packet) =>
  p.proto === 'arp'
    ? `arp ${p.flags} ${p.src} ${p.dst} ${Math.round(p.at / 50)}`
    : `${p.src}:${p.sport} ${p.dst}:${p.dport} ${p.proto} ${p.ipId} ${p.seq} ${p.length} ${p.fragment?.offset ?? ''}`

/** Every captured packet once per network it crossed, between the lanes of that network: its sender's (or the
 * router that forwarded it there) and its receiver's (or the router that took it on). */
export function interfaceSegments(hosts: HostRun[]): Segment[] {
  const lanes = interfaceLanes(hosts)
  const byAddress = new Map(lanes.map((lane) => [`${lane.network} ${lane.address}`, lane.id]))
  const captured = new Set(hosts.filter((h) => h.packets).map((h) => h.host))
  // where each host saw each packet: network by network, in time order (a router: in by one, out by another)
  const sightings = new Map<string, { host: string; network: string; packet: Packet }[]>()
  for (const host of hosts) {
    for (const packet of host.packets ?? []) {
      if (packet.proto === 'other' || !packet.network) continue
      const key = packetKey(packet)
      sightings.set(key, [...(sightings.get(key) ?? []), { host: host.host, network: packet.network, packet }])
    }
  }
  const segments: Segment[] = []
  for (const seen of sightings.values()) {
    for (const network of new Set(seen.map((s) => s.network))) {
      const here = seen.filter((s) => s.network === network)
      const packet = here.reduce((first, s) => (s.packet.at < first.at ? s.packet : first), here[0].packet)
      const router = (ingress: boolean) =>
        here.find(({ host }) => {
          const mine = seen.filter((s) => s.host === host).sort((a, b) => a.packet.at - b.packet.at)
          return mine.length > 1 && (mine[0].network === network) === ingress
        })?.host
      const lane = (host: string | undefined) => lanes.find((l) => l.host === host && l.network === network)?.id
      const from = byAddress.get(`${network} ${packet.src}`) ?? lane(router(false)) ?? packet.src
      const host = (id: string) => lanes.find((l) => l.id === id)?.host
      // a packet addressed beyond this network that no router took on died where it was seen (its TTL ran out)
      const stoppedAt = here.find((s) => s.host !== host(from))?.host
      const to = byAddress.get(`${network} ${packet.dst}`) ?? lane(router(true)) ?? lane(stoppedAt) ?? packet.dst
      const sawIt = (id: string) => here.some((s) => s.host === host(id))
      const sender = here.find((s) => s.host === host(from))?.packet ?? packet
      segments.push({
        packet: sender,
        network,
        from,
        to,
        dropped: sawIt(from) && captured.has(host(to) ?? '') && !sawIt(to),
      })
    }
  }
  return segments.sort((a, b) => a.packet.at - b.packet.at)
}
