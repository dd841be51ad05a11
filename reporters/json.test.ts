import { describe, expect, it } from 'vitest'
import type { Packet } from '../engine/model/scenario.ts'
import { failed, passed, skipped } from './fixtures/results.ts'
import { JSON_LIMITS, JsonReporter, jsonReport } from './json.ts'

/** A UDP blast, as a hostile server's capture holds it: `count` datagrams of 1 KiB at every one of `hosts` hosts. */
function blasted(hosts: number, count: number) {
  const payload = Buffer.alloc(1024, 'x') // one buffer for all: the test's memory stays small, the document would not
  const packets: Packet[] = Array.from({ length: count }, (_, i) => ({
    at: i,
    proto: 'udp',
    src: '172.18.0.3',
    dst: '172.18.0.2',
    sport: 40000,
    dport: 9,
    length: 1024,
    payload,
  }))
  const names = Array.from({ length: hosts }, (_, i) => `h${i}`)
  return {
    ...failed,
    run: {
      ...failed.run,
      hosts: Object.fromEntries(names.map((host) => [host, { ...failed.run.hosts.client, host, packets }])),
    },
  }
}

describe('jsonReport', () => {
  it('summarises the run and keeps every check record and host output', () => {
    const report = jsonReport([passed, failed])
    expect(report.version).toBe(3)
    expect(report.passed).toBe(false)
    expect(report.summary).toEqual({
      scenarios: 2,
      passed: 1,
      failed: 1,
      skipped: 0,
      checks: 5,
      checksFailed: 2,
      wallMs: 8520,
    })
    expect(report.scenarios.map((s) => [s.id, s.impl, s.passed])).toEqual([
      ['tcp-basic', 'ts', true],
      ['tcp-silent', 'python', false],
    ])
    expect(report.scenarios[1].checks).toEqual(failed.checks)
    expect(report.scenarios[1].problems).toEqual([
      { kind: 'deadline', host: 'client', text: 'client was still running at the 4 s deadline' },
    ])
    expect(report.scenarios[0].hosts.client.stdout).toEqual([
      { atMs: 111, text: 'Mensagem do servidor: Bem-vindo ao servidor!' },
    ])
  })

  it('counts a skipped scenario apart, with its reason, and does not fail the run for it', () => {
    const report = jsonReport([passed, skipped])
    expect(report.passed).toBe(true)
    expect(report.summary).toMatchObject({ passed: 1, failed: 0, skipped: 1 })
    expect(report.scenarios[1]).toMatchObject({ status: 'skipped', skipped: 'this kernel has no netem', checks: [] })
  })

  it('keeps a preview of each payload, in hex, and the whole length', () => {
    const packet: Packet = { at: 1, proto: 'udp', src: 'a', dst: 'b', length: 100, payload: Buffer.alloc(100, 0xab) }
    const report = jsonReport([
      { ...passed, run: { ...passed.run, hosts: { server: { ...passed.run.hosts.server, packets: [packet] } } } },
    ])
    const { payload: _, ...rest } = packet
    expect(report.scenarios[0].hosts.server.packets).toEqual([{ ...rest, payloadHex: 'ab'.repeat(64) }])
    expect(report.cut).toEqual({ packets: 0, payloadBytes: 36, limits: JSON_LIMITS })
  })

  it('stays a bounded, valid document under a blast of 200 000 packets of 1 KiB, and says what it cut', async () => {
    const written: string[] = []
    await new JsonReporter(async (text) => void written.push(text)).onRunEnd([blasted(20, 10_000)])
    expect(written[0].length).toBeLessThan(8 * 1024 * 1024)
    const report = JSON.parse(written[0])
    const kept = Object.values(report.scenarios[0].hosts).map((h) => (h as { packets: unknown[] }).packets.length)
    expect(kept.reduce((sum, n) => sum + n, 0)).toBe(JSON_LIMITS.packets)
    expect(kept.slice(0, 2)).toEqual([JSON_LIMITS.packetsPerHost, JSON_LIMITS.packetsPerHost])
    expect(report.scenarios[0].hosts.h0.packetsCut).toBe(10_000 - JSON_LIMITS.packetsPerHost)
    expect(report.scenarios[0].hosts.h19).toMatchObject({ packets: [], packetsCut: 10_000 })
    expect(report.cut).toEqual({
      packets: 200_000 - JSON_LIMITS.packets,
      payloadBytes: JSON_LIMITS.packets * (1024 - 64),
      limits: JSON_LIMITS,
    })
  })

  it('passes an empty run', () => {
    expect(jsonReport([]).passed).toBe(true)
  })
})

describe('JsonReporter', () => {
  it('writes one parseable document when the run ends', async () => {
    const written: string[] = []
    const reporter = new JsonReporter(async (text) => void written.push(text))
    expect(written).toEqual([])
    await reporter.onRunEnd([passed])
    expect(written).toHaveLength(1)
    expect(JSON.parse(written[0])).toEqual(jsonReport([passed]))
  })
})
