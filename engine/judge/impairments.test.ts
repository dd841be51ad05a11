import { describe, expect, it } from 'vitest'
import {
  copiedSegments,
  duplicateAcks,
  duplicatesIn,
  lateArrivals,
  lossBursts,
  outOfOrderSegments,
  repeatedSegments,
} from './impairments.ts'
import type { HostRun, Packet } from '../model/scenario.ts'

const host = (name: string, address: string) => ({ host: name, address }) as HostRun
const [a, b] = [host('sender', '10.0.0.2'), host('sink', '10.0.0.3')]
const data = (seq: number, length: number): Packet => ({
  at: 0,
  proto: 'tcp',
  src: a.address!,
  dst: b.address!,
  seq,
  length,
  flags: '.',
})
const ack = (n: number): Packet => ({
  at: 0,
  proto: 'tcp',
  src: b.address!,
  dst: a.address!,
  ack: n,
  length: 0,
  flags: '.',
})

describe('impairment evidence', () => {
  it('counts late arrivals, duplicates and the bursts of missing numbers', () => {
    expect(lateArrivals([1, 3, 2, 4, 6, 5])).toBe(2)
    expect(duplicatesIn([1, 2, 2, 3, 3, 3])).toBe(3)
    expect(lossBursts([1, 4, 5, 9], 10)).toEqual([2, 3, 1])
  })

  it('finds out-of-order and repeated TCP segments, and duplicate ACKs', () => {
    const wire = [data(100, 10), data(120, 10), data(110, 10), data(110, 20), ack(110), ack(110), ack(110), ack(140)]
    expect(outOfOrderSegments(wire, a, b)).toBe(1)
    expect(repeatedSegments(wire, a, b)).toBe(2)
    expect(duplicateAcks(wire, a, b)).toBe(2)
  })

  it('tells a copied segment (the same packet twice) from a retransmission (a new IPv4 id)', () => {
    const sent = (seq: number, ipId: number): Packet => ({ ...data(seq, 10), ipId })
    const wire = [
      sent(100, 1),
      sent(100, 1),
      sent(110, 2),
      sent(110, 5),
      sent(120, 3),
      sent(120, 3),
      sent(120, 3),
      ack(130),
    ]
    expect(copiedSegments(wire, a, b)).toBe(3)
    expect(repeatedSegments(wire, a, b)).toBe(4)
    expect(copiedSegments([sent(100, 1), sent(110, 2), sent(100, 7)], a, b)).toBe(0)
  })
})
