// Evidence of impairments, read from what the programs printed and from captures: which numbered datagrams the
// server's application saw and in what order, what the wire carried, and what TCP did about it (segments out of
// order, duplicate ACKs, retransmissions). Pure functions over plain results; the scenarios judge them.
import type { HostRun, Packet } from '../model/scenario.ts'
import { crc32 } from 'node:zlib'

/** The datagram numbers the server's application accepted (checksum good), in the order it printed them. */
export function numbersSeen(server: HostRun): number[] {
  return server.stdout.flatMap((line) => line.text.match(/^Datagrama (\d+) recebido$/)?.[1] ?? []).map(Number)
}

/** Datagrams the application rejected by its own checksum ("Datagrama corrompido: …"). */
export function corruptSeen(server: HostRun): number {
  return server.stdout.filter((line) => line.text.startsWith('Datagrama corrompido')).length
}

/** Arrivals after a higher number had already arrived: each is a datagram that something overtook. */
export function lateArrivals(numbers: number[]): number {
  let highest = 0
  let late = 0
  for (const n of numbers) {
    if (n < highest) late++
    highest = Math.max(highest, n)
  }
  return late
}

export function duplicatesIn(numbers: number[]): number {
  return numbers.length - new Set(numbers).size
}

/** The lengths of the runs of consecutive numbers (1…total) that never arrived. */
export function lossBursts(numbers: number[], total: number): number[] {
  const seen = new Set(numbers)
  const bursts: number[] = []
  let run = 0
  for (let n = 1; n <= total + 1; n++) {
    if (n <= total && !seen.has(n)) run++
    else if (run) {
      bursts.push(run)
      run = 0
    }
  }
  return bursts
}

/** A numbered datagram on the wire: its number when readable, and whether its text passes the application's check. */
export interface WireDatagram {
  at: number
  number?: number
  intact: boolean
}

/** UDP datagrams from `from` to `to` on `port` in a capture, read as the numbered client writes them. */
export function wireDatagrams(packets: Packet[], from: HostRun, to: HostRun, port: number): WireDatagram[] {
  return packets
    .filter((p) => p.proto === 'udp' && p.src === from.address && p.dst === to.address && p.dport === port)
    .map((p) => {
      const text = p.payload?.toString('latin1') ?? ''
      const space = text.lastIndexOf(' ')
      const message = text.slice(0, space)
      const number = Number(message.match(/^datagrama (\d+)$/)?.[1])
      const intact =
        message.startsWith('datagrama ') && text.slice(space + 1) === crc32(message).toString(16).padStart(8, '0')
      return { at: p.at, number: Number.isInteger(number) ? number : undefined, intact }
    })
}

const dataFrom = (packets: Packet[], from: HostRun, to: HostRun) =>
  packets.filter((p) => p.proto === 'tcp' && p.src === from.address && p.dst === to.address && p.length > 0)

/** TCP data segments that arrived after a segment further on in the stream: out of order at the receiver. */
export function outOfOrderSegments(packets: Packet[], sender: HostRun, receiver: HostRun): number {
  let highest: number | undefined
  let count = 0
  for (const p of dataFrom(packets, sender, receiver)) {
    const end = (p.seq! + p.length) >>> 0
    if (highest !== undefined && ((highest - end) | 0) > 0) count++
    if (highest === undefined || ((end - highest) | 0) > 0) highest = end
  }
  return count
}

/** TCP data segments that start before the furthest byte already on the wire: retransmitted or duplicated (a
 * retransmission may cut the stream into other lengths than the first try, so ranges, not equal segments). */
export function repeatedSegments(packets: Packet[], sender: HostRun, receiver: HostRun): number {
  let highest: number | undefined
  let count = 0
  for (const p of dataFrom(packets, sender, receiver)) {
    const end = (p.seq! + p.length) >>> 0
    if (highest !== undefined && ((highest - p.seq!) | 0) > 0) count++
    if (highest === undefined || ((end - highest) | 0) > 0) highest = end
  }
  return count
}

/** TCP data segments sent twice as the same packet (sequence number, length and IPv4 id of one seen before): a
 * duplicating link's copies. A retransmission is a new packet (Linux gives it the socket's next id), so it is not counted. */
export function copiedSegments(packets: Packet[], sender: HostRun, receiver: HostRun): number {
  const seen = new Set<string>()
  let count = 0
  for (const p of dataFrom(packets, sender, receiver)) {
    const key = `${p.seq}/${p.length}/${p.ipId}`
    if (seen.has(key)) count++
    else seen.add(key)
  }
  return count
}

/** Pure ACKs from the receiver that repeat the previous ACK number: the receiver saying "still missing this". */
export function duplicateAcks(packets: Packet[], sender: HostRun, receiver: HostRun): number {
  let last: number | undefined
  let count = 0
  for (const p of packets) {
    if (p.proto !== 'tcp' || p.src !== receiver.address || p.dst !== sender.address) continue
    if (p.flags === '.' && p.length === 0 && p.ack === last) count++
    last = p.ack
  }
  return count
}
