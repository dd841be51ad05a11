// Reads a host's capture: the pcap file format comes from pcap-parser; this file only decodes the few
// headers the lab asserts on (Ethernet, ARP, IPv4, TCP, UDP, ICMP) into plain Packet records.
import { Readable } from 'node:stream'
import type { Packet } from '../model/scenario.ts'

const LINKTYPE_ETHERNET = 1
const PAYLOAD_KEPT = 256

export async function readPcap(file: Buffer): Promise<Packet[]> {
  const { default: pcapParser } = await import('pcap-parser') // only for runs that capture
  return new Promise((resolve, reject) => {
    const packets: Packet[] = []
    const parser = pcapParser.parse(Readable.from([file]))
    let linkType = LINKTYPE_ETHERNET
    parser.on('globalHeader', (header: { linkLayerType: number }) => (linkType = header.linkLayerType))
    parser.on('packet', (raw: { header: { timestampSeconds: number; timestampMicroseconds: number }; data: Buffer }) => {
      if (linkType !== LINKTYPE_ETHERNET) return
      packets.push(decodeEthernet(raw.data, raw.header.timestampSeconds * 1000 + raw.header.timestampMicroseconds / 1000))
    })
    parser.on('end', () => resolve(packets))
    parser.on('error', reject)
  })
}

const ipv4 = (buf: Buffer, at: number) => `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`

/** tcpdump's flag letters, in tcpdump's order: S F R P then . for ACK. */
function tcpFlags(bits: number): string {
  return `${bits & 0x02 ? 'S' : ''}${bits & 0x01 ? 'F' : ''}${bits & 0x04 ? 'R' : ''}${bits & 0x08 ? 'P' : ''}${bits & 0x10 ? '.' : ''}`
}

export function decodeEthernet(frame: Buffer, at: number): Packet {
  const etherType = frame.readUInt16BE(12)
  if (etherType === 0x0806) {
    const operation = frame.readUInt16BE(14 + 6) === 1 ? 'request' : 'reply'
    return { at, proto: 'arp', src: ipv4(frame, 14 + 14), dst: ipv4(frame, 14 + 24), flags: operation, length: 0 }
  }
  if (etherType !== 0x0800) return { at, proto: 'other', src: '', dst: '', length: 0 }
  const ip = 14
  const headerLength = (frame[ip] & 0x0f) * 4
  const totalLength = frame.readUInt16BE(ip + 2)
  const protocol = frame[ip + 9]
  const base = { at, src: ipv4(frame, ip + 12), dst: ipv4(frame, ip + 16), ipId: frame.readUInt16BE(ip + 4) }
  const l4 = ip + headerLength
  const end = Math.min(frame.length, ip + totalLength)
  if (protocol === 6) {
    const dataOffset = (frame[l4 + 12] >> 4) * 4
    const payload = frame.subarray(l4 + dataOffset, end)
    return {
      ...base, proto: 'tcp', sport: frame.readUInt16BE(l4), dport: frame.readUInt16BE(l4 + 2),
      seq: frame.readUInt32BE(l4 + 4), ack: frame.readUInt32BE(l4 + 8), flags: tcpFlags(frame[l4 + 13]),
      length: ip + totalLength - (l4 + dataOffset), payload: Buffer.from(payload.subarray(0, PAYLOAD_KEPT)),
    }
  }
  if (protocol === 17) {
    const payload = frame.subarray(l4 + 8, end)
    return {
      ...base, proto: 'udp', sport: frame.readUInt16BE(l4), dport: frame.readUInt16BE(l4 + 2),
      length: frame.readUInt16BE(l4 + 4) - 8, payload: Buffer.from(payload.subarray(0, PAYLOAD_KEPT)),
    }
  }
  if (protocol === 1) return { ...base, proto: 'icmp', length: end - l4, icmp: { type: frame[l4], code: frame[l4 + 1] } }
  return { ...base, proto: 'other', length: end - l4 }
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
