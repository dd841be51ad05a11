// Renders results for a person at a terminal: a live line (spinner, elapsed time) while scenarios run on a TTY,
// plain lines in pipes and CI logs, every check, and a summary table. Only renders: every value comes from
// check records. What programs print and what students name their files goes through visible(): no control
// character of theirs reaches the teacher's terminal.
import type { Spinner } from 'yocto-spinner'
import { color } from './colors.ts'
import { checkTally, formatMs, hostEnd, seedLine, seedsOf, VERDICTS } from '../engine/model/describe.ts'
import type { GradeRow } from '../engine/model/grade.ts'
import type { Lang } from '../engine/model/hints.ts'
import type { ScenarioResult, Verdict } from '../engine/model/result.ts'
import type { Scenario } from '../engine/model/scenario.ts'
import { visible } from '../engine/model/visible.ts'
import type { Progress, Reporter } from './types.ts'

const COLOR = { passed: color.green, failed: color.red, skipped: color.yellow } as const
const mark = (verdict: Verdict) => COLOR[verdict](VERDICTS[verdict].mark)
const word = (verdict: Verdict) => COLOR[verdict](VERDICTS[verdict].word)
/** How often the live line's elapsed time is redrawn. */
const LIVE_REFRESH_MS = 100

/** A live, redrawn line only on an interactive terminal; CI logs and pipes get plain lines (as yocto-spinner decides). */
export function isLive(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && !('CI' in env) && env.TERM !== 'dumb'
}

function scenarioHeader(scenario: Scenario): string {
  return `${color.bold(scenario.id)}: ${scenario.title} ${color.dim(`(seed: ${scenario.teaches})`)}`
}

/** What a failed submission most likely got wrong, and the evidence: exit code, last stderr lines, time. */
function submissionNotes(result: ScenarioResult, lang: Lang): string[] {
  if (Object.keys(result.submissions).length === 0 || result.status !== 'failed') return []
  const notes = result.hints.map((hint) => color.yellow(`  ➜ ${visible(hint.text[lang])}`))
  for (const [host, file] of Object.entries(result.submissions)) {
    const run = result.run.hosts[host]
    if (!run) continue
    notes.push(color.dim(`  ${host} ran ${visible(file)}: ${hostEnd(run)}`))
    for (const line of run.stderr.filter((l) => l.text.trim()).slice(-5))
      notes.push(color.dim(`    stderr: ${visible(line.text)}`))
  }
  return notes
}

function scenarioReport(result: ScenarioResult, lang: Lang = 'en'): string {
  const project = color.dim(`(project ${result.project}, random seed ${result.seed})`)
  if (result.status === 'skipped')
    return `${mark('skipped')} ${result.scenario.id} ${word('skipped')}: ${result.run.skipped} ${project}`
  const lines = result.checks.flatMap((check) => [
    `  ${mark(check.passed ? 'passed' : 'failed')} ${visible(check.description)} ${color.dim('—')} ${check.passed ? color.dim(visible(check.reason)) : color.red(visible(check.reason))}`,
    ...(check.details ?? []).map((line) => color.dim(`      ${visible(line)}`)),
  ])
  lines.push(...(result.run.notes ?? []).map((note) => color.dim(`  note: ${visible(note)}`)))
  lines.push(...submissionNotes(result, lang))
  const score = result.score
    ? `, ${result.score.points}/${result.score.max} points${result.score.unseen ? ` (${result.score.unseen} check${result.score.unseen === 1 ? '' : 's'} not shown)` : ''}`
    : ''
  lines.push(
    `${mark(result.status)} ${result.scenario.id} ${word(result.status)}: ${checkTally(result.checks).text} checks${score} in ${formatMs(result.wallMs)}${impairedBy(result)} ${project}`,
  )
  return lines.join('\n')
}

/** ", impairments by userspace (server)": the one place a run says which engine delayed, duplicated… its packets. */
function impairedBy(result: ScenarioResult): string {
  const hosts = Object.values(result.run.hosts).filter((host) => host.impairedBy)
  if (!hosts.length) return ''
  return `, impairments by ${[...new Set(hosts.map((host) => host.impairedBy))].join(' and ')} (${hosts.map((host) => host.host).join(', ')})`
}

/** The live line: every running scenario with its elapsed time. */
export function liveLine(running: Map<Scenario, number>, now: number): string {
  const parts = [...running].map(([scenario, startedAt]) => `${color.bold(scenario.id)} ${formatMs(now - startedAt)}`)
  return `running ${parts.join(', ')}`
}

function gradeLine(row: GradeRow): string {
  const verdict = row.verdict === 'error' ? 'failed' : row.verdict
  const weighted = row.score !== row.checksPassed || row.maxScore !== row.checksTotal
  const score =
    row.verdict === 'error'
      ? color.red('error')
      : `${row.verdict} ${row.checksPassed}/${row.checksTotal}${weighted ? `, ${row.score}/${row.maxScore} points` : ''}`
  return `${mark(verdict)} ${visible(row.student)}: ${score} ${color.dim(`(${row.elapsedS} s)`)}${row.hint ? ` — ${visible(row.hint)}` : ''}`
}

/** `lab grade`'s progress: a bar, done/total and the time left at the pace so far. */
export function progressLine({ done, total, etaMs }: Progress, width = 20): string {
  const filled = Math.round((done / Math.max(1, total)) * width)
  return `grading [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total}${etaMs === undefined ? '' : `, about ${formatMs(etaMs)} left`}`
}

export function catalogTable(catalog: Scenario[]): string {
  const width = Math.max(...catalog.map((s) => s.id.length))
  return catalog.map((s) => `${s.id.padEnd(width)}  ${s.title} ${color.dim(`(seed: ${s.teaches})`)}`).join('\n')
}

// The table and the spinner load after the lab has started coming up, not before: every module loaded before
// `docker compose up` delays it (tsx lexes every file it loads).
const loadTable = async () => (await import('cli-table3')).default
const loadSpinner = async () => (await import('yocto-spinner')).default

/** The closing table: scenario, checks passed, time, verdict; and one line saying how many passed. */
export async function summaryTable(results: ScenarioResult[]): Promise<string> {
  const Table = await loadTable()
  const table = new Table({ head: ['scenario', 'checks', 'time', 'verdict'], style: { head: [], border: [] } })
  for (const result of results)
    table.push([result.scenario.id, checkTally(result.checks).text, formatMs(result.wallMs), word(result.status)])
  const failed = results.filter((r) => r.status === 'failed')
  const skipped = results.filter((r) => r.status === 'skipped').length
  const head = `${results.length - failed.length - skipped}/${results.length} scenarios passed${skipped ? `, ${skipped} skipped` : ''}`
  const verdict = failed.length
    ? color.red(`${head}; failed: ${failed.map((r) => r.scenario.id).join(', ')}`)
    : color.green(head)
  return `${table.toString()}\n${verdict}`
}

export class TerminalReporter implements Reporter {
  readonly #running = new Map<Scenario, number>()
  #spinner: Spinner | undefined
  /** `lab grade`'s progress line, shown instead of the running scenarios. */
  #progress: string | undefined
  #lastTenth = 0
  #ticker: NodeJS.Timeout | undefined

  readonly #stream: NodeJS.WritableStream
  readonly #live: boolean
  readonly #lang: Lang
  readonly #now: () => number

  constructor(
    stream: NodeJS.WritableStream,
    live: boolean,
    lang: Lang = 'en',
    now: () => number = () => performance.now(),
  ) {
    this.#stream = stream
    this.#live = live
    this.#lang = lang
    this.#now = now
  }

  onNote(line: string): void {
    this.#write(`» ${line}`)
  }

  onScenarioStart(scenario: Scenario): void {
    void loadTable() // while the lab comes up, for the summary at the end
    this.#running.set(scenario, this.#now())
    if (this.#live) this.#startLiveLine()
    else this.#write(`» running ${scenario.id}`)
  }

  onScenarioEnd(result: ScenarioResult): void {
    this.#running.delete(result.scenario)
    if (!this.#running.size) this.#stopLiveLine()
    this.#write(`${scenarioHeader(result.scenario)}\n${scenarioReport(result, this.#lang)}`)
  }

  onGrade(row: GradeRow): void {
    this.#write(gradeLine(row))
  }

  /** On a terminal, a redrawn bar; in pipes and CI, a plain line at each tenth of the class. */
  onProgress(progress: Progress): void {
    if (progress.done >= progress.total) return this.#stopLiveLine()
    if (this.#live) {
      this.#progress = progressLine(progress)
      this.#startLiveLine()
      return
    }
    const tenth = Math.floor((progress.done * 10) / progress.total)
    if (tenth > this.#lastTenth) this.onNote(progressLine(progress))
    this.#lastTenth = tenth
  }

  async onRunEnd(results: ScenarioResult[]): Promise<void> {
    this.#stopLiveLine()
    if (results.length) this.#write(await summaryTable(results))
    // The one number that reruns every random fault of these runs as they were.
    for (const seed of seedsOf(results)) this.#write(color.dim(seedLine(seed)))
  }

  #write(text: string): void {
    this.#stream.write(`${text}\n`)
  }

  #startLiveLine(): void {
    if (this.#ticker) return
    this.#ticker = setInterval(() => {
      if (this.#spinner) this.#spinner.text = this.#progress ?? liveLine(this.#running, this.#now())
    }, LIVE_REFRESH_MS)
    this.#ticker.unref()
    void loadSpinner().then((yoctoSpinner) => {
      if (!this.#ticker || this.#spinner) return // stopped (or started) while the spinner loaded
      // The lab handles SIGINT itself (teardown first), so the spinner must not exit the process.
      const text = this.#progress ?? liveLine(this.#running, this.#now())
      this.#spinner = yoctoSpinner({ text, stream: this.#stream as NodeJS.WriteStream, handleSignals: false }).start()
    })
  }

  #stopLiveLine(): void {
    clearInterval(this.#ticker)
    this.#spinner?.stop()
    this.#spinner = undefined
    this.#ticker = undefined
  }
}
