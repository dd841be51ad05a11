// A packet as the page receives it (engine/model/observations.ts's Packet, its payload as a hex preview), and how
// the page names it: TCP by its flags (SYN, SYN-ACK, ACK, PSH-ACK and its bytes…), UDP and ICMP by what they carry.
export interface PagePacket {
  at: number
  proto: 'tcp' | 'udp' | 'icmp' | 'arp' | 'other'
  src: string
  dst: string
  sport?: number
  dport?: number
  flags?: string
  seq?: number
  ack?: number
  ipId?: number
  length: number
  payloadHex?: string
  icmp?: { type: number; code: number }
  fragment?: { offset: number; more: boolean }
}

const FLAG_NAMES: Record<string, string> = { S: 'SYN', F: 'FIN', R: 'RST', P: 'PSH', U: 'URG', '.': 'ACK' }

/** One packet seen by two captures (the sender's and the receiver's) is the same key. */
export const packetKey = (p: PagePacket) =>
  p.proto === 'arp'
    ? `arp ${p.flags} ${p.src} ${p.dst} ${Math.round(p.at / 50)}`
    : `${p.src}:${p.sport} ${p.dst}:${p.dport} ${p.proto} ${p.ipId} ${p.seq} ${p.ack} ${p.flags} ${p.length} ${p.fragment?.offset ?? ''}`

export function packetLabel(p: PagePacket): string {
  switch (p.proto) {
    case 'tcp': {
      const names = [...(p.flags ?? '')].map((flag) => FLAG_NAMES[flag] ?? flag)
      return `${names.join('-') || 'TCP'}${p.length ? ` ${p.length} B` : ''}`
    }
    case 'udp':
      return `UDP ${p.length} B`
    case 'icmp':
      if (p.icmp?.type === 3 && p.icmp.code === 3) return 'ICMP port unreachable'
      if (p.icmp?.type === 3 && p.icmp.code === 1) return 'ICMP host unreachable'
      return `ICMP ${p.icmp?.type ?? ''}/${p.icmp?.code ?? ''}`
    case 'arp':
      return `ARP ${p.flags ?? ''}`
    default:
      return 'packet'
  }
}
