// Reads a host's capture: the pcap file format comes from pcap-parser; this file only decodes the few
// headers the lab asserts on (Ethernet, ARP, IPv4 and its fragments, TCP, UDP, ICMP) into plain Packet records.
// A capture holds whatever a submitted program sent: every field is bounds-checked, and a frame that cannot be
// decoded is counted and skipped, never thrown on (a throw inside the parser's stream event would escape the run).
import { Readable } from 'node:stream'
import type { Packet } from '../model/scenario.ts'

const LINKTYPE_ETHERNET = 1
/** tcpdump -i any -y LINUX_SLL2: every interface of a host in one file, each frame with its interface's index. */
const LINKTYPE_LINUX_SLL2 = 276
const PAYLOAD_KEPT = 256
/** Packets decoded per capture; a flood past this is counted, not kept (the checks never need that many). */
export const MAX_PACKETS_DECODED = 50_000

export interface PcapRead {
  packets: Packet[]
  /** Frames skipped because they were too short or malformed for their own headers (or not Ethernet). */
  undecodable: number
  /** Frames past MAX_PACKETS_DECODED, not decoded. */
  notDecoded: number
  /** Why the file could not be read to its end (not a pcap file, an unsupported version), when it could not. */
  unreadable?: string
}

export async function readPcap(file: Buffer): Promise<PcapRead> {
  const { default: pcapParser } = await import('pcap-parser') // only for runs that capture
  return new Promise((resolve, reject) => {
    const read: PcapRead = { packets: [], undecodable: 0, notDecoded: 0 }
    let settled = false
    const settle = (error?: Error) => {
      if (settled) return
      settled = true
      if (error) reject(error)
      else resolve(read)
    }
    const parser = pcapParser.parse(Readable.from([file]))
    let linkType = LINKTYPE_ETHERNET
    parser.on('globalHeader', (header: { linkLayerType: number }) => (linkType = header.linkLayerType))
    parser.on(
      'packet',
      (raw: { header: { timestampSeconds: number; timestampMicroseconds: number }; data: Buffer }) => {
        try {
          if (read.packets.length >= MAX_PACKETS_DECODED) return void read.notDecoded++
          const at = raw.header.timestampSeconds * 1000 + raw.header.timestampMicroseconds / 1000
          const packet =
            linkType === LINKTYPE_ETHERNET
              ? decodeEthernet(raw.data, at)
              : linkType === LINKTYPE_LINUX_SLL2
                ? decodeSll2(raw.data, at)
                : undefined
          if (packet) read.packets.push(packet)
          else read.undecodable++
        } catch (error) {
          settle(error as Error) // a decoder bug: the run reports it, the stream goes on harmlessly
        }
      },
    )
    parser.on('end', () => settle())
    parser.on('error', (error: Error) => {
      read.unreadable = error.message
      settle()
    })
  })
}

const mac = (buf: Buffer, at: number) =>
  [...buf.subarray(at, at + 6)].map((byte) => byte.toString(16).padStart(2, '0')).join(':')
const ipv4 = (buf: Buffer, at: number) => `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`

/** tcpdump's flag letters, in tcpdump's order: S F R P then . for ACK. */
function tcpFlags(bits: number): string {
  return `${bits & 0x02 ? 'S' : ''}${bits & 0x01 ? 'F' : ''}${bits & 0x04 ? 'R' : ''}${bits & 0x08 ? 'P' : ''}${bits & 0x10 ? '.' : ''}`
}

const ETHERNET_HEADER = 14
const ARP_IPV4_LENGTH = 28
const IPV4_MIN_HEADER = 20
const TCP_MIN_HEADER = 20
const UDP_HEADER = 8

/** The packet a frame carries, or undefined when the frame is too short or malformed for its own headers. */
export function decodeEthernet(frame: Buffer, at: number): Packet | undefined {
  if (frame.length < ETHERNET_HEADER) return undefined
  return decodeNetwork(frame, frame.readUInt16BE(12), ETHERNET_HEADER, at, mac(frame, 6))
}

const SLL2_HEADER = 20
const ARPHRD_ETHER = 1

/** A LINUX_SLL2 frame: the EtherType, the interface index, then (for Ethernet) the source MAC, then the packet. */
export function decodeSll2(frame: Buffer, at: number): Packet | undefined {
  if (frame.length < SLL2_HEADER) return undefined
  const source = frame.readUInt16BE(8) === ARPHRD_ETHER && frame[11] === 6 ? mac(frame, 12) : undefined
  const packet = decodeNetwork(frame, frame.readUInt16BE(0), SLL2_HEADER, at, source)
  return packet && { ...packet, ifIndex: frame.readUInt32BE(4) }
}

function decodeNetwork(
  frame: Buffer,
  etherType: number,
  start: number,
  at: number,
  srcMac?: string,
): Packet | undefined {
  const link = srcMac ? { srcMac } : {}
  if (etherType === 0x0806) {
    if (frame.length < start + ARP_IPV4_LENGTH) return undefined
    const operation = frame.readUInt16BE(start + 6) === 1 ? 'request' : 'reply'
    return {
      at,
      proto: 'arp',
      src: ipv4(frame, start + 14),
      dst: ipv4(frame, start + 24),
      flags: operation,
      length: 0,
      ...link,
    }
  }
  if (etherType !== 0x0800) return { at, proto: 'other', src: '', dst: '', length: 0 } // IPv6 (0x86dd) among others
  const packet = decodeIpv4(frame, start, at)
  return packet && { ...packet, ...link }
}

function decodeIpv4(frame: Buffer, ip: number, at: number): Packet | undefined {
  if (frame.length < ip + IPV4_MIN_HEADER || frame[ip] >> 4 !== 4) return undefined
  const headerLength = (frame[ip] & 0x0f) * 4
  const totalLength = frame.readUInt16BE(ip + 2)
  if (headerLength < IPV4_MIN_HEADER || totalLength < headerLength || frame.length < ip + headerLength) return undefined
  const protocol = frame[ip + 9]
  const fragmentField = frame.readUInt16BE(ip + 6)
  const offset = (fragmentField & 0x1fff) * 8
  const more = (fragmentField & 0x2000) !== 0
  const base = {
    at,
    src: ipv4(frame, ip + 12),
    dst: ipv4(frame, ip + 16),
    ipId: frame.readUInt16BE(ip + 4),
    ttl: frame[ip + 8],
    ...(fragmentField & 0x4000 ? { dontFragment: true } : {}),
    ...(offset || more ? { fragment: { offset, more } } : {}),
  }
  const l4 = ip + headerLength
  const datagramEnd = ip + totalLength
  const end = Math.min(frame.length, datagramEnd)
  const name = protocol === 6 ? 'tcp' : protocol === 17 ? 'udp' : protocol === 1 ? 'icmp' : 'other'
  // a later fragment is the datagram's data only: no header of its own to read
  if (offset > 0 || name === 'other') return { ...base, proto: name, length: datagramEnd - l4 }
  if (name === 'tcp') {
    if (end < l4 + TCP_MIN_HEADER) return undefined
    const dataOffset = (frame[l4 + 12] >> 4) * 4
    if (dataOffset < TCP_MIN_HEADER || datagramEnd < l4 + dataOffset) return undefined
    return {
      ...base,
      proto: 'tcp',
      sport: frame.readUInt16BE(l4),
      dport: frame.readUInt16BE(l4 + 2),
      seq: frame.readUInt32BE(l4 + 4),
      ack: frame.readUInt32BE(l4 + 8),
      flags: tcpFlags(frame[l4 + 13]),
      length: datagramEnd - (l4 + dataOffset),
      payload: Buffer.from(frame.subarray(l4 + dataOffset, end).subarray(0, PAYLOAD_KEPT)),
      ...mssOption(frame, l4 + TCP_MIN_HEADER, Math.min(end, l4 + dataOffset)),
    }
  }
  if (name === 'udp') {
    if (end < l4 + UDP_HEADER) return undefined
    const udpLength = frame.readUInt16BE(l4 + 4)
    if (udpLength < UDP_HEADER) return undefined
    return {
      ...base,
      proto: 'udp',
      sport: frame.readUInt16BE(l4),
      dport: frame.readUInt16BE(l4 + 2),
      length: udpLength - UDP_HEADER,
      payload: Buffer.from(frame.subarray(l4 + UDP_HEADER, end).subarray(0, PAYLOAD_KEPT)),
    }
  }
  if (end < l4 + 2) return undefined
  return { ...base, proto: 'icmp', length: datagramEnd - l4, icmp: { type: frame[l4], code: frame[l4 + 1] } }
}

/** One line per packet, as a person reads a capture: `+12 ms client:40312 → server:12345 TCP [S] seq=…`. */
export function describePacket(packet: Packet, zero: number, names: Record<string, string> = {}): string {
  const who = (address: string, port?: number) => `${names[address] ?? address}${port === undefined ? '' : `:${port}`}`
  const time = `+${Math.round(packet.at - zero)} ms`.padStart(9)
  const route = `${who(packet.src, packet.sport)} → ${who(packet.dst, packet.dport)}`
  switch (packet.proto) {
    case 'tcp': {
      const ack = packet.flags?.includes('.') ? ` ack=${packet.ack}` : ''
      return `${time} ${route} TCP [${packet.flags}] seq=${packet.seq}${ack} len=${packet.length}`
    }
    case 'udp':
      return `${time} ${route} UDP len=${packet.length}`
    case 'icmp':
      return `${time} ${route} ICMP type=${packet.icmp?.type} code=${packet.icmp?.code}`
    case 'arp':
      return packet.flags === 'request'
        ? `${time} ARP who-has ${who(packet.dst)} tell ${who(packet.src)}`
        : `${time} ARP ${who(packet.src)} is-at (reply to ${who(packet.dst)})`
    default:
      return `${time} ${route} ${packet.proto}`
  }
}

/** The MSS option of a SYN (kind 2, length 4): what the sender can take per segment, its MTU less 40. */
function mssOption(frame: Buffer, start: number, end: number): { mss?: number } {
  for (let at = start; at < end;) {
    const kind = frame[at]
    if (kind === 0) break
    if (kind === 1) {
      at++
      continue
    }
    const length = frame[at + 1]
    if (!length || length < 2 || at + length > end) break
    if (kind === 2 && length === 4) return { mss: frame.readUInt16BE(at + 2) }
    at += length
  }
  return {}
}
