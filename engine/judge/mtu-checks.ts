// Checks of a path with a smaller MTU, read from the captures: a big datagram crossing it in IP fragments, one
// with Don't Fragment that the router refused (ICMP type 3 code 4, "fragmentation needed"), and TCP segments
// sized by the MSS each side announced in its SYN, so that nothing TCP sends needs fragmenting.
import type { Check, HostRun, Packet } from '../model/scenario.ts'

const ICMP_UNREACHABLE = 3
const FRAGMENTATION_NEEDED = 4
/** IPv4 and TCP headers without options: an MSS is the interface's MTU less these. */
const TCP_IP_HEADERS = 40
const IP_HEADER = 20

/** The fragments of each datagram `from` sent to `to`, by IPv4 id. */
function fragmentsBy(packets: Packet[], from: string, to: string): Map<number, Packet[]> {
  const datagrams = new Map<number, Packet[]>()
  for (const p of packets) {
    if (p.src !== from || p.dst !== to || !p.fragment || p.ipId === undefined) continue
    datagrams.set(p.ipId, [...(datagrams.get(p.ipId) ?? []), p])
  }
  return datagrams
}

/** Where each fragment starts in the datagram, in order: "0, 1480, 2960". */
const offsets = (fragments: Packet[]) => fragments.map((p) => p.fragment!.offset).sort((a, b) => a - b)
/** The most data one fragment carried: the step between two offsets (every fragment but the last is full). */
const largestStep = (at: number[]) => Math.max(0, ...at.slice(1).map((offset, i) => offset - at[i]))

/** A `bytes`-byte UDP datagram from `client` left in fragments sized for its own network, reached `server` in
 * fragments that fit `mtu` (a router fragmented them again; with conntrack it reassembles and fragments anew), and
 * `server` printed that it got all of it. */
export function expectFragmented(
  hosts: Record<string, HostRun>,
  o: { client: string; server: string; bytes: number; mtu: number },
): Check {
  const description = `${o.client}'s ${o.bytes}-byte datagram crossed the ${o.mtu}-byte MTU link in IP fragments and arrived whole`
  const client = hosts[o.client]
  const server = hosts[o.server]
  const from = client?.address ?? ''
  const to = server?.address ?? ''
  const first = client?.packets?.find(
    (p) => p.proto === 'udp' && p.dst === to && p.fragment?.offset === 0 && p.length === o.bytes,
  )
  const left = offsets(
    first?.ipId === undefined ? [] : (fragmentsBy(client?.packets ?? [], from, to).get(first.ipId) ?? []),
  )
  const arrived = offsets(
    first?.ipId === undefined ? [] : (fragmentsBy(server?.packets ?? [], from, to).get(first.ipId) ?? []),
  )
  const whole = server?.stdout.some((line) => line.text.startsWith(`Datagrama de ${o.bytes} bytes`)) ?? false
  const fits = arrived.length > 1 && largestStep(arrived) <= o.mtu - IP_HEADER
  const reason = first
    ? `it left ${o.client} in ${left.length} fragments (offsets ${left.join(', ')}) and reached ${o.server} in ${arrived.length} (offsets ${arrived.join(', ') || 'none'}); ${o.server} ${whole ? `printed "Datagrama de ${o.bytes} bytes"` : `never printed receiving ${o.bytes} bytes`}`
    : `${o.client}'s capture holds no fragmented ${o.bytes}-byte datagram to ${o.server}`
  return {
    description,
    passed: whole && fits,
    reason: fits || !first ? reason : `${reason}: no fragment was cut for the ${o.mtu}-byte MTU`,
  }
}

/** A `bytes`-byte datagram `client` sent whole with DF set never crossed to `server`'s side, and the ICMP
 * "fragmentation needed" that a router sent back is in `client`'s capture. */
export function expectFragmentationNeeded(
  hosts: Record<string, HostRun>,
  o: { client: string; server: string; bytes: number },
): Check {
  const description = `${o.client}'s ${o.bytes}-byte datagram with Don't Fragment was refused: ICMP fragmentation needed came back`
  const client = hosts[o.client]
  const to = hosts[o.server]?.address ?? ''
  const whole = (p: Packet) =>
    p.proto === 'udp' &&
    p.src === client?.address &&
    p.dst === to &&
    p.dontFragment === true &&
    !p.fragment &&
    p.length === o.bytes
  const sent = client?.packets?.filter(whole) ?? []
  const crossed = hosts[o.server]?.packets?.filter(whole) ?? []
  const told = client?.packets?.find(
    (p) =>
      p.proto === 'icmp' &&
      p.dst === client.address &&
      p.icmp?.type === ICMP_UNREACHABLE &&
      p.icmp.code === FRAGMENTATION_NEEDED,
  )
  const reason = `${sent.length} sent with DF, ${crossed.length} seen at ${o.server}; ${told ? `ICMP 3/4 from ${told.src}` : 'no ICMP 3/4 in its capture'}`
  return { description, passed: sent.length > 0 && crossed.length === 0 && told !== undefined, reason }
}

/** `client`'s TCP connection to `port`: the SYN-ACK announced an MSS of `mtu` less 40, and no segment either way
 * was an IP fragment. */
export function expectMssAdapted(
  hosts: Record<string, HostRun>,
  o: { client: string; port: number; mtu: number },
): Check {
  const description = `TCP announced an MSS of ${o.mtu - TCP_IP_HEADERS} from the ${o.mtu}-byte MTU side, and sent no fragment`
  const packets = hosts[o.client]?.packets ?? []
  const syn = packets.find((p) => p.proto === 'tcp' && p.flags === 'S' && p.dport === o.port)
  const synAck = packets.find((p) => p.proto === 'tcp' && p.flags === 'S.' && p.sport === o.port)
  const fragments = packets.filter((p) => p.proto === 'tcp' && p.fragment).length
  const reason = `SYN announced MSS ${syn?.mss ?? 'none'}, SYN-ACK ${synAck?.mss ?? 'none'}; ${fragments} TCP fragments in ${o.client}'s capture`
  return { description, passed: synAck?.mss === o.mtu - TCP_IP_HEADERS && fragments === 0, reason }
}
