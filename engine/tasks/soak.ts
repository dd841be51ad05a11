// `lab soak`: scenarios run again and again, several at a time, round-robin; then the pass rate and wall times per
// scenario and anything their runs left in Docker, as a section of docs/RELIABILITY.md.
import os from 'node:os'
import { formatMs } from '../model/describe.ts'
import type { OnEvent } from '../model/events.ts'
import type { Scenario } from '../model/scenario.ts'
import { selectScenarios } from '../plan/catalog.ts'
import { runOfProject } from '../plan/run-plan.ts'
import * as docker from '../runtime/docker.ts'
import { ensureLabImage } from '../runtime/image.ts'
import { runScenario } from '../runtime/run.ts'
import { replaceSection } from './markdown-section.ts'
import { runPool } from './pool.ts'

export interface SoakRun {
  scenario: string
  passed: boolean
  /** The scenario needs what this machine lacks (see ScenarioResult.status); not counted for the pass rate. */
  skipped?: boolean
  wallMs: number
  /** Why it failed, in words (the failed checks, or the error). */
  failure?: string
}

export interface SoakRow {
  scenario: string
  runs: number
  passed: number
  skipped: number
  p50Ms: number
  p95Ms: number
  maxMs: number
}

export interface SoakReport {
  date: string
  command: string
  machine: string
  parallel: number
  totalMs: number
  rows: SoakRow[]
  /** What the soak's runs left in Docker afterwards, as "kind name"; should be empty. */
  leftBehind: string[]
  failures: string[]
}

/** What a soak runs: the scenarios named, or the whole catalog, the multi-network labs (routers, NAT, MTU) with the rest. */
export function soakScenarios(catalog: Scenario[], names: string[]): Scenario[] {
  return selectScenarios(catalog, names.length ? names : ['all'])
}

/** Runs each scenario `runs` times, `parallel` at once, and reports on them; `command` is how the soak was asked
 * for, for the report. `onEvent` hears the lab's notes and each run as it ends. */
export async function soak(
  scenarios: Scenario[],
  { runs, parallel, command }: { runs: number; parallel: number; command: string },
  onEvent: OnEvent = () => undefined,
): Promise<SoakReport> {
  const image = await ensureLabImage((text) => onEvent({ kind: 'note', text }), {}, docker.preflight())
  // Round-robin, so every scenario runs next to every other and none waits for the end.
  const jobs = Array.from({ length: runs }, () => scenarios).flat()
  const runIds = new Set<string>()
  let done = 0
  const started = performance.now()
  const results = await runPool(jobs, parallel, async (scenario): Promise<SoakRun> => {
    let run: SoakRun
    try {
      const result = await runScenario(scenario, { image })
      const runId = runOfProject(result.project)?.runId
      if (runId) runIds.add(runId)
      const failed = result.checks.filter((c) => !c.passed).map((c) => `${c.description}: ${c.reason}`)
      const skipped = result.status === 'skipped'
      run = {
        scenario: scenario.id,
        passed: result.status === 'passed',
        skipped,
        wallMs: result.wallMs,
        failure: result.status === 'failed' ? `${scenario.id} (${result.project}): ${failed.join('; ')}` : undefined,
      }
    } catch (error) {
      run = {
        scenario: scenario.id,
        passed: false,
        wallMs: NaN,
        failure: `${scenario.id}: ${(error as Error).message}`,
      }
    }
    onEvent({
      kind: 'soak-run',
      done: ++done,
      total: jobs.length,
      scenario: scenario.id,
      verdict: run.passed ? 'passed' : run.skipped ? 'skipped' : 'failed',
      wallMs: run.wallMs,
    })
    return run
  })
  const totalMs = performance.now() - started
  const leftBehind = (await docker.findLeftovers()).filter((l) => runIds.has(l.runId)).map((l) => `${l.kind} ${l.name}`)
  return {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    command,
    machine: `${os.availableParallelism()} cores, Docker ${await docker.engineVersion()}, Node ${process.versions.node}`,
    parallel,
    totalMs,
    rows: soakRows(results),
    leftBehind,
    failures: results.flatMap((r) => (r.failure ? [r.failure] : [])),
  }
}

/** The nearest-rank percentile: the smallest value with at least p % of the values at or below it. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]
}

export function soakRows(runs: SoakRun[]): SoakRow[] {
  const scenarios = [...new Set(runs.map((r) => r.scenario))]
  return scenarios.map((scenario) => {
    const mine = runs.filter((r) => r.scenario === scenario)
    const walls = mine.map((r) => r.wallMs).filter(Number.isFinite) // a run that threw has no wall time
    return {
      scenario,
      runs: mine.length,
      passed: mine.filter((r) => r.passed).length,
      skipped: mine.filter((r) => r.skipped).length,
      p50Ms: percentile(walls, 50),
      p95Ms: percentile(walls, 95),
      maxMs: Math.max(...walls),
    }
  })
}

function passRate(row: SoakRow): string {
  const judged = row.runs - row.skipped
  if (!judged) return '—'
  return `${((100 * row.passed) / judged).toFixed(row.passed === judged ? 0 : 1)} %`
}

export function soakMarkdown(report: SoakReport): string {
  const lines = [
    `Last soak: ${report.date}, \`${report.command}\` (${report.parallel} at a time), ${report.machine}; took ${formatMs(report.totalMs)}.`,
    '',
    '| scenario | runs | passed | skipped | pass rate | p50 wall | p95 wall | max wall |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...report.rows.map(
      (r) =>
        `| \`${r.scenario}\` | ${r.runs} | ${r.passed} | ${r.skipped} | ${passRate(r)} | ${formatMs(r.p50Ms)} | ${formatMs(r.p95Ms)} | ${formatMs(r.maxMs)} |`,
    ),
    '',
    `Left behind after the soak (containers, networks, volumes of its runs): ${report.leftBehind.length ? report.leftBehind.join(', ') : 'nothing'}.`,
  ]
  if (report.failures.length) lines.push('', 'Failures:', '', ...report.failures.map((f) => `- ${f}`))
  return lines.join('\n')
}

export const SOAK_BEGIN = '<!-- soak:begin (written by `npm run soak`) -->'
export const SOAK_END = '<!-- soak:end -->'

/** The document with its soak section replaced (or appended when it has none). */
export function withSoakSection(document: string, section: string): string {
  return (
    replaceSection(document, { begin: SOAK_BEGIN, end: SOAK_END }, section) ??
    `${document.trimEnd()}\n\n${SOAK_BEGIN}\n${section}\n${SOAK_END}\n`
  )
}
