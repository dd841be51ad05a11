// Renders results for a person at a terminal. Only renders: every value comes from check records.
import { chalk } from 'zx'
import { formatMs } from './checks.ts'
import type { ScenarioResult } from './run.ts'
import type { Scenario } from './scenario.ts'

if (process.env.NO_COLOR) chalk.level = 0

const PASS = chalk.green('✔')
const FAIL = chalk.red('✘')

export function scenarioHeader(scenario: Scenario): string {
  return `${chalk.bold(scenario.id)}: ${scenario.title} ${chalk.dim(`(seed: ${scenario.teaches})`)}`
}

const SKIP = chalk.yellow('⊘')

export function scenarioReport(result: ScenarioResult): string {
  const project = chalk.dim(`(project ${result.project})`)
  if (result.status === 'skipped') return `${SKIP} ${result.scenario.id} ${chalk.yellow('skipped')}: ${result.run.skipped} ${project}`
  const lines = result.checks.flatMap((check) => [
    `  ${check.passed ? PASS : FAIL} ${check.description} ${chalk.dim('—')} ${check.passed ? chalk.dim(check.reason) : chalk.red(check.reason)}`,
    ...(check.details ?? []).map((line) => chalk.dim(`      ${line}`)),
  ])
  const passed = result.checks.filter((check) => check.passed).length
  const verdict = result.passed ? chalk.green('passed') : chalk.red('FAILED')
  lines.push(`${result.passed ? PASS : FAIL} ${result.scenario.id} ${verdict}: ${passed}/${result.checks.length} checks in ${formatMs(result.wallMs)} ${project}`)
  return lines.join('\n')
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
