// GitHub Actions (GITHUB_ACTIONS=true): an ::error annotation for each failed check, pinned to the scenario's
// file, and a Markdown table on the job's summary page (GITHUB_STEP_SUMMARY).
import { appendFile } from 'node:fs/promises'
import { checkTally, formatMs, seedLine, seedsOf, verdictOf } from '../engine/model/describe.ts'
import type { ScenarioResult } from '../engine/model/result.ts'
import { visible } from '../engine/model/visible.ts'
import type { Reporter, Sink } from './types.ts'

/** Workflow command escaping: data escapes %, CR and LF; property values also : and ,. Text is made visible()
 * first, so no CR or LF of a program's output survives to start a forged `::error` line. */
const escapeData = (text: string) =>
  visible(text).replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A')
const escapeProperty = (text: string) => escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C')

export function annotations(result: ScenarioResult): string[] {
  return result.checks
    .filter((check) => !check.passed)
    .map((check) => {
      const file = `scenarios/${result.scenario.id}.ts`
      const title = `${result.scenario.id}: ${check.description}`
      return `::error file=${escapeProperty(file)},title=${escapeProperty(title)}::${escapeData(check.reason)}`
    })
}

/** Untrusted text as Markdown text, for the step summary: made visible() first (no line break, so it starts no
 * block), HTML's characters as entities (no tag, no comment that hides the rest), and every character of inline
 * markup escaped: emphasis, code, links and images, strikethrough, math, table cells. */
const markdownText = (text: string) =>
  visible(text)
    .replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/[\\`*_[\]~$|!]/g, '\\$&')

export function stepSummary(results: ScenarioResult[]): string {
  const cell = markdownText
  const rows = results.map(
    (r) =>
      `| ${cell(r.scenario.id)} | ${cell(r.impl)} | ${checkTally(r.checks).text} | ${formatMs(r.wallMs)} | ${verdictOf(r).mark} ${verdictOf(r).word} |`,
  )
  const failures = results.flatMap((r) =>
    r.checks
      .filter((c) => !c.passed)
      .map((c) => `- **${cell(r.scenario.id)}**: ${cell(c.description)} — ${cell(c.reason)}`),
  )
  return [
    '### socket-lab',
    '',
    '| scenario | impl | checks | time | verdict |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    ...failures,
    ...seedsOf(results).map((seed) => `- ${seedLine(seed)}`),
    '',
  ].join('\n')
}

export class GithubReporter implements Reporter {
  readonly #sink: Sink
  readonly #summaryFile: string | undefined
  constructor(sink: Sink, summaryFile?: string) {
    this.#sink = sink
    this.#summaryFile = summaryFile
  }
  onScenarioEnd(result: ScenarioResult): void {
    const lines = annotations(result)
    if (lines.length) void this.#sink(`${lines.join('\n')}\n`)
  }
  async onRunEnd(results: ScenarioResult[]): Promise<void> {
    if (this.#summaryFile) await appendFile(this.#summaryFile, `${stepSummary(results)}\n`)
  }
}
