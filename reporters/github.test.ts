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
    const result = {
      ...failed,
      checks: [{ description: 'a, b', passed: false, reason: '100%\nlost\r::error::forged \u001b[2J' }],
    }
    expect(annotations(result)).toEqual([
      '::error file=scenarios/tcp-silent.ts,title=tcp-silent%3A a%2C b::100%25\\nlost\\r::error::forged \\x1b[2J',
    ])
  })
})

describe('stepSummary', () => {
  it("writes a program's output and a scenario's name as text: no tag, link, image, emphasis, code, math or cell of theirs", () => {
    const reason =
      'got <img src=x onerror=alert(1)><!-- [pass](https://x.example) ![i](y) **ok** `c` ~~s~~ $x$ | forged | \\| &amp; \n- [x] done'
    const hostile = {
      ...failed,
      scenario: { ...failed.scenario, id: 'x<b>_y_' },
      checks: [{ description: 'client printed "*hi*"', passed: false, reason }],
    }
    const summary = stepSummary([hostile])
    const failure = summary.split('\n').find((line) => line.startsWith('- '))
    expect(failure).toBe(
      '- **x&#60;b&#62;\\_y\\_**: client printed "\\*hi\\*" — got &#60;img src=x onerror=alert(1)&#62;&#60;\\!-- \\[pass\\](https://x.example) \\!\\[i\\](y) \\*\\*ok\\*\\* \\`c\\` \\~\\~s\\~\\~ \\$x\\$ \\| forged \\| \\\\\\| &#38;amp; \\\\n- \\[x\\] done',
    )
    expect(summary).toContain('| x&#60;b&#62;\\_y\\_ | python | 0/1 |')
    expect(summary).not.toMatch(/<|\n- \[/)
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
