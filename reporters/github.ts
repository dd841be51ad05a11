// GitHub Actions (GITHUB_ACTIONS=true): an ::error annotation for each failed check, pinned to the scenario's
// file, and a Markdown table on the job's summary page (GITHUB_STEP_SUMMARY).
import { appendFile } from 'node:fs/promises'
import { formatMs } from '../engine/judge/checks.ts'
import type { ScenarioResult } from '../engine/model/result.ts'
import type { Reporter, Sink } from './reporter.ts'

/** Workflow command escaping: data escapes %, CR and LF; property values also : and ,. */
const escapeData = (text: string) => text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A')
const escapeProperty = (text: string) => escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C')

export function annotations(result: ScenarioResult): string[] {
  return result.checks.filter((check) => !check.passed).map((check) => {
    const file = `scenarios/${result.scenario.id}.ts`
    const title = `${result.scenario.id}: ${check.description}`
    return `::error file=${escapeProperty(file)},title=${escapeProperty(title)}::${escapeData(check.reason)}`
  })
}

const VERDICT = { passed: '✅ passed', failed: '❌ failed', skipped: '⊘ skipped' } as const

export function stepSummary(results: ScenarioResult[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|')
  const rows = results.map((r) => {
    const passed = r.checks.filter((c) => c.passed).length
    return `| ${r.scenario.id} | ${r.impl} | ${passed}/${r.checks.length} | ${formatMs(r.wallMs)} | ${VERDICT[r.status]} |`
  })
  const failures = results.flatMap((r) => r.checks.filter((c) => !c.passed).map((c) => `- **${cell(r.scenario.id)}**: ${cell(c.description)} — ${cell(c.reason)}`))
  return ['### socket-lab', '', '| scenario | impl | checks | time | verdict |', '|---|---|---|---|---|', ...rows, '', ...failures, ''].join('\n')
}

export class GithubReporter implements Reporter {
  readonly #sink: Sink
  readonly #summaryFile: string | undefined
  constructor(sink: Sink, summaryFile?: string) {
    this.#sink = sink
    this.#summaryFile = summaryFile
  }
  scenarioStarted(): void {}
  scenarioFinished(result: ScenarioResult): void {
    const lines = annotations(result)
    if (lines.length) void this.#sink(`${lines.join('\n')}\n`)
  }
  async runFinished(results: ScenarioResult[]): Promise<void> {
    if (this.#summaryFile) await appendFile(this.#summaryFile, `${stepSummary(results)}\n`)
  }
}
