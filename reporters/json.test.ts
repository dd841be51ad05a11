import { describe, expect, it } from 'vitest'
import { failed, passed, skipped } from './fixtures/results.ts'
import { JsonReporter, jsonReport } from './json.ts'

describe('jsonReport', () => {
  it('summarises the run and keeps every check record and host output', () => {
    const report = jsonReport([passed, failed])
    expect(report.version).toBe(1)
    expect(report.passed).toBe(false)
    expect(report.summary).toEqual({ scenarios: 2, passed: 1, failed: 1, skipped: 0, checks: 5, checksFailed: 2, wallMs: 8520 })
    expect(report.scenarios.map((s) => [s.id, s.impl, s.passed])).toEqual([['tcp-basic', 'ts', true], ['tcp-silent', 'python', false]])
    expect(report.scenarios[1].checks).toEqual(failed.checks)
    expect(report.scenarios[1].problems).toEqual(['client was still running at the 4 s deadline'])
    expect(report.scenarios[0].hosts.client.stdout).toEqual([{ atMs: 111, text: 'Mensagem do servidor: Bem-vindo ao servidor!' }])
  })

  it('counts a skipped scenario apart, with its reason, and does not fail the run for it', () => {
    const report = jsonReport([passed, skipped])
    expect(report.passed).toBe(true)
    expect(report.summary).toMatchObject({ passed: 1, failed: 0, skipped: 1 })
    expect(report.scenarios[1]).toMatchObject({ status: 'skipped', skipped: 'this kernel has no netem', checks: [] })
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
