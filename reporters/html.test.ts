import { expect, it } from 'vitest'
import type { HostRun, Packet } from '../engine/model/scenario.ts'
import { arrowsOf, sequenceDiagram } from './html.ts'

const packet = (over: Partial<Packet>): Packet => ({
  at: 0,
  proto: 'udp',
  src: '10.0.0.3',
  dst: '10.0.0.2',
  sport: 5000,
  dport: 12345,
  length: 10,
  ipId: 1,
  ...over,
})
const host = (name: string, address: string, packets: Packet[]): HostRun => ({
  host: name,
  address,
  packets,
  started: true,
  exitCode: 0,
  startedAt: 0,
  elapsedMs: 0,
  stdout: [],
  stderr: [],
})

it('draws a packet seen at both ends once, at the time it left, and marks one that never arrived as dropped', () => {
  const arrows = arrowsOf([
    host('client', '10.0.0.3', [packet({ at: 100, ipId: 1 }), packet({ at: 200, ipId: 2 })]),
    host('server', '10.0.0.2', [packet({ at: 101, ipId: 1 })]),
  ])
  expect(arrows).toEqual([
    { at: 100, from: 'client', to: 'server', label: 'UDP len=10', flags: 'udp', dropped: false },
    { at: 200, from: 'client', to: 'server', label: 'UDP len=10', flags: 'udp', dropped: true },
  ])
})

it('escapes what it prints and says when nothing was captured', () => {
  expect(sequenceDiagram([host('<b>', '10.0.0.3', [])])).toBe(
    '<p class="none">No packets were captured for this scenario.</p>',
  )
  expect(sequenceDiagram([host('a&b', '10.0.0.3', [packet({})])])).toContain('a&#38;b')
})
