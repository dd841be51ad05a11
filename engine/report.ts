// Renders results for a person at a terminal. Only renders: every value comes from check records.
import { chalk } from 'zx'
import { formatMs } from './checks.ts'
import type { ScenarioResult } from './run.ts'
import type { Scenario } from './scenario.ts'
import type { Lang } from './hints.ts'
import type { GradeRow } from './grade.ts'

if (process.env.NO_COLOR) chalk.level = 0

const PASS = chalk.green('✔')
const FAIL = chalk.red('✘')

export function scenarioHeader(scenario: Scenario): string {
  return `${chalk.bold(scenario.id)}: ${scenario.title} ${chalk.dim(`(seed: ${scenario.teaches})`)}`
}

const SKIP = chalk.yellow('⊘')

/** What a failed submission most likely got wrong, and the evidence: exit code, last stderr lines, time. */
function submissionNotes(result: ScenarioResult, lang: Lang): string[] {
  if (Object.keys(result.submissions).length === 0 || result.status !== 'failed') return []
  const notes = result.hints.map((hint) => chalk.yellow(`  ➜ ${hint.text[lang]}`))
  for (const [host, file] of Object.entries(result.submissions)) {
    const run = result.run.hosts[host]
    if (!run) continue
    const end = !run.started ? 'never started' : run.exitCode === null ? `still running after ${formatMs(run.elapsedMs)}` : `exit code ${run.exitCode} after ${formatMs(run.elapsedMs)}`
    notes.push(chalk.dim(`  ${host} ran ${file}: ${end}`))
    for (const line of run.stderr.filter((l) => l.text.trim()).slice(-5)) notes.push(chalk.dim(`    stderr: ${line.text}`))
  }
  return notes
}

export function scenarioReport(result: ScenarioResult, lang: Lang = 'en'): string {
  const project = chalk.dim(`(project ${result.project})`)
  if (result.status === 'skipped') return `${SKIP} ${result.scenario.id} ${chalk.yellow('skipped')}: ${result.run.skipped} ${project}`
  const lines = result.checks.flatMap((check) => [
    `  ${check.passed ? PASS : FAIL} ${check.description} ${chalk.dim('—')} ${check.passed ? chalk.dim(check.reason) : chalk.red(check.reason)}`,
    ...(check.details ?? []).map((line) => chalk.dim(`      ${line}`)),
  ])
  const passed = result.checks.filter((check) => check.passed).length
  const verdict = result.passed ? chalk.green('passed') : chalk.red('FAILED')
  lines.push(...submissionNotes(result, lang))
  lines.push(`${result.passed ? PASS : FAIL} ${result.scenario.id} ${verdict}: ${passed}/${result.checks.length} checks in ${formatMs(result.wallMs)} ${project}`)
  return lines.join('\n')
}

export function gradeLine(row: GradeRow): string {
  const mark = row.verdict === 'passed' ? PASS : row.verdict === 'skipped' ? SKIP : FAIL
  const score = row.verdict === 'error' ? chalk.red('error') : `${row.verdict} ${row.checksPassed}/${row.checksTotal}`
  return `${mark} ${row.student}: ${score} ${chalk.dim(`(${row.elapsedS} s)`)}${row.hint ? ` — ${row.hint}` : ''}`
}

export function catalogTable(catalog: Scenario[]): string {
  const width = Math.max(...catalog.map((s) => s.id.length))
  return catalog.map((s) => `${s.id.padEnd(width)}  ${s.title} ${chalk.dim(`(seed: ${s.teaches})`)}`).join('\n')
}

export function summary(results: ScenarioResult[]): string {
  const failed = results.filter((r) => r.status === 'failed')
  const skipped = results.filter((r) => r.status === 'skipped').length
  const head = `${results.length - failed.length - skipped}/${results.length} scenarios passed${skipped ? `, ${skipped} skipped` : ''}`
  return failed.length ? chalk.red(`${head}; failed: ${failed.map((r) => r.scenario.id).join(', ')}`) : chalk.green(head)
}
