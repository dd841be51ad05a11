import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { failed, passed } from './fixtures/results.ts'
import { GithubReporter, annotations, stepSummary } from './github.ts'

describe('annotations', () => {
  it('writes one ::error workflow command per failed check, pinned to the scenario file', () => {
    expect(annotations(passed)).toEqual([])
    expect(annotations(failed)).toEqual([
      '::error file=scenarios/tcp-silent.ts,title=tcp-silent%3A the lab ran to the end::client was still running at the 4 s deadline',
      '::error file=scenarios/tcp-silent.ts,title=tcp-silent%3A client printed "Mensagem do servidor%3A Bem-vindo ao servidor!"::client never printed it; it printed nothing',
    ])
  })

  it('escapes percent signs, and writes out newlines and controls so that no output starts an annotation of its own', () => {
    const result = { ...failed, checks: [{ description: 'a, b', passed: false, reason: '100%\nlost\r::error::forged \u001b[2J' }] }
    expect(annotations(result)).toEqual(['::error file=scenarios/tcp-silent.ts,title=tcp-silent%3A a%2C b::100%25\\nlost\\r::error::forged \\x1b[2J'])
  })
})

describe('GithubReporter', () => {
  it('annotates as each scenario ends and appends a table to the step summary', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-github-'))
    try {
      const summary = path.join(dir, 'summary.md')
      const written: string[] = []
      const reporter = new GithubReporter(async (text) => void written.push(text), summary)
      reporter.onScenarioEnd(passed)
      reporter.onScenarioEnd(failed)
      await reporter.onRunEnd([passed, failed])
      expect(written.join('').split('\n').filter(Boolean)).toEqual(annotations(failed))
      expect(await readFile(summary, 'utf8')).toBe(`${stepSummary([passed, failed])}\n`)
      expect(stepSummary([passed, failed])).toContain('| tcp-silent | python | 1/3 | 5.4 s | ✘ FAILED |')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
