// What one run of a scenario gives back: the record every reporter, grade row and test reads.
import type { Hint } from './hints.ts'
import type { Score } from './points.ts'
import type { Check, Impl, LabRun, Scenario } from './scenario.ts'

/** passed: every check passed; failed: one did not; skipped: the scenario needs what this machine lacks. */
export type Verdict = 'passed' | 'failed' | 'skipped'

export interface ScenarioResult {
  scenario: Scenario
  impl: Impl
  /** The run's id (the project is named after it, and every container and network is labelled with it). */
  runId: string
  project: string
  /** The seed every random fault of the run drew from: `--seed` with it reruns the same decisions. */
  seed: number
  checks: Check[]
  /** skipped: the scenario needs what this machine lacks (see `run.skipped`); its checks are not judged. */
  status: Verdict
  wallMs: number
  run: LabRun
  /** Submitted programs, by host (the paths the user gave). */
  submissions: Record<string, string>
  /** The likely mistakes behind a failure of submitted programs. */
  hints: Hint[]
  /** Points out of the maximum, set (by engine/model/view.ts) when the scenario has grading. */
  score?: Score
}
