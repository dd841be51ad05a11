// Checks over captured packets. Each returns check records whose reasons quote the packets observed.
import { describePacket } from './packets.ts'
import type { Check, HostRun, Packet } from '../model/scenario.ts'

export interface Endpoints {
  client: HostRun
  server: HostRun
  port: number
}

/** Host names for addresses, so a capture reads `client:40312 → server:12345`. */
export function addressBook(hosts: HostRun[]): Record<string, string> {
  return Object.fromEntries(hosts.filter((h) => h.address).map((h) => [h.address!, h.host]))
}

/** TCP packets of the connection(s) between client and server on the server's port. */
export function tcpBetween(packets: Packet[], { client, server, port }: Endpoints): Packet[] {
  return packets.filter(
    (p) =>
      p.proto === 'tcp' &&
      ((p.src === client.address && p.dst === server.address && p.dport === port) ||
        (p.src === server.address && p.dst === client.address && p.sport === port)),
  )
}

/** Packets a check's evidence shows: a program that floods its peer gets its first ones and a count, not a line
 * per packet (50 000 of them) in every report. */
export const EXCHANGE_LINES = 50

/** The capture as readable lines, times from the first packet shown. */
export function exchange(packets: Packet[], hosts: HostRun[]): string[] {
  const names = addressBook(hosts)
  const lines = packets.slice(0, EXCHANGE_LINES).map((p) => describePacket(p, packets[0]?.at ?? 0, names))
  return packets.length > EXCHANGE_LINES
    ? [...lines, `    … and ${packets.length - EXCHANGE_LINES} more packets`]
    : lines
}

const fromClient = (p: Packet, e: Endpoints) => p.src === e.client.address

/** SYN → SYN-ACK (ack = client seq + 1) → ACK (ack = server seq + 1), in that order. */
export function expectHandshake(packets: Packet[], e: Endpoints): Check[] {
  const tcp = tcpBetween(packets, e)
  const synIndex = tcp.findIndex((p) => p.flags === 'S' && fromClient(p, e))
  const syn = tcp[synIndex]
  const synAckIndex = syn ? tcp.findIndex((p, i) => i > synIndex && p.flags === 'S.' && !fromClient(p, e)) : -1
  const synAck = tcp[synAckIndex]
  const ackIndex = synAck ? tcp.findIndex((p, i) => i > synAckIndex && p.flags === '.' && fromClient(p, e)) : -1
  const ack = tcp[ackIndex]
  const plus1 = (n: number) => (n + 1) >>> 0
  return [
    {
      description: 'the client opened with a SYN to the server',
      passed: syn !== undefined,
      reason: syn ? `SYN seq=${syn.seq}` : `no SYN from client to server port ${e.port} among ${tcp.length} packets`,
    },
    {
      description: 'the server answered SYN-ACK acknowledging the client sequence + 1',
      passed: synAck !== undefined && synAck.ack === plus1(syn!.seq!),
      reason: synAck
        ? `SYN-ACK seq=${synAck.seq} ack=${synAck.ack} (client seq + 1 = ${plus1(syn!.seq!)})`
        : 'no SYN-ACK after the SYN',
    },
    {
      description: 'the client completed with an ACK of the server sequence + 1',
      passed: ack !== undefined && ack.ack === plus1(synAck!.seq!),
      reason: ack ? `ACK ack=${ack.ack} (server seq + 1 = ${plus1(synAck!.seq!)})` : 'no ACK after the SYN-ACK',
    },
  ]
}

/** Each side sent a FIN, and the other acknowledged it (ack = FIN seq + 1). */
export function expectClose(packets: Packet[], e: Endpoints): Check[] {
  const tcp = tcpBetween(packets, e)
  return (['client', 'server'] as const).map((side) => {
    const sender = side === 'client' ? e.client : e.server
    const finIndex = tcp.findIndex((p) => p.flags?.includes('F') && p.src === sender.address)
    const fin = tcp[finIndex]
    const wanted = fin ? (fin.seq! + fin.length + 1) >>> 0 : undefined
    const acked =
      fin && tcp.find((p, i) => i > finIndex && p.src !== sender.address && p.flags?.includes('.') && p.ack === wanted)
    return {
      description: `the ${side} closed with a FIN that the other side acknowledged`,
      passed: acked !== undefined,
      reason: !fin
        ? `no FIN from the ${side}`
        : acked
          ? `FIN seq=${fin.seq}, acknowledged with ack=${wanted}`
          : `FIN seq=${fin.seq} never acknowledged (ack=${wanted})`,
    }
  })
}

/** Data segments carried between the handshake and the close. */
export function dataSegments(packets: Packet[], e: Endpoints): Packet[] {
  return tcpBetween(packets, e).filter((p) => p.length > 0)
}

/** UDP datagrams between client and server on the server's port, both ways. */
export function udpBetween(packets: Packet[], { client, server, port }: Endpoints): Packet[] {
  return packets.filter(
    (p) =>
      p.proto === 'udp' &&
      ((p.src === client.address && p.dst === server.address && p.dport === port) ||
        (p.src === server.address && p.dst === client.address && p.sport === port)),
  )
}
