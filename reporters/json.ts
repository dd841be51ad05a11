// One JSON document for a whole run, for scripts and dashboards: every scenario, every check record and what
// each host printed. `version` changes when a field changes meaning or goes away.
import type { ScenarioResult } from '../engine/model/result.ts'
import type { Check, HostRun } from '../engine/model/scenario.ts'
import type { Reporter, Sink } from './types.ts'

export const JSON_REPORT_VERSION = 1

export interface JsonReport {
  version: typeof JSON_REPORT_VERSION
  passed: boolean
  summary: { scenarios: number; passed: number; failed: number; skipped: number; checks: number; checksFailed: number; wallMs: number }
  scenarios: JsonScenario[]
}

export interface JsonScenario {
  id: string
  title: string
  teaches: string
  impl: string
  project: string
  status: ScenarioResult['status']
  /** status === 'passed', for readers of version 1. */
  passed: boolean
  wallMs: number
  checks: Check[]
  problems: string[]
  /** Why the scenario could not run on this machine, when it could not. */
  skipped?: string
  /** Submitted programs by host, and the likely mistakes behind their failure. */
  submissions: Record<string, string>
  hints: ScenarioResult['hints']
  hosts: Record<string, HostRun>
}

export function jsonReport(results: ScenarioResult[]): JsonReport {
  const checks = results.flatMap((r) => r.checks)
  const count = (status: ScenarioResult['status']) => results.filter((r) => r.status === status).length
  return {
    version: JSON_REPORT_VERSION,
    passed: count('failed') === 0,
    summary: {
      scenarios: results.length,
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped'),
      checks: checks.length,
      checksFailed: checks.filter((c) => !c.passed).length,
      wallMs: Math.round(results.reduce((sum, r) => sum + r.wallMs, 0)),
    },
    scenarios: results.map((r) => ({
      id: r.scenario.id,
      title: r.scenario.title,
      teaches: r.scenario.teaches,
      impl: r.impl,
      project: r.project,
      status: r.status,
      passed: r.status === 'passed',
      wallMs: Math.round(r.wallMs),
      checks: r.checks,
      problems: r.run.problems,
      ...(r.run.skipped ? { skipped: r.run.skipped } : {}),
      submissions: r.submissions,
      hints: r.hints,
      hosts: r.run.hosts,
    })),
  }
}

export class JsonReporter implements Reporter {
  readonly #sink: Sink
  constructor(sink: Sink) {
    this.#sink = sink
  }
  async onRunEnd(results: ScenarioResult[]): Promise<void> {
    await this.#sink(`${JSON.stringify(jsonReport(results), null, 2)}\n`)
  }
}
