// A run's verdict, from what was observed: the checks of its expectations, its status and the hints behind a
// failure. The same for a cold, warm or pooled run: none of them judges on its own.
import type { ScenarioResult } from '../model/result.ts'
import type { Language } from '../model/hints.ts'
import type { Impl, LabRun, Scenario } from '../model/scenario.ts'
import { checkScenario } from './checks.ts'
import { hintsFor } from './hints.ts'

/** Which run was observed: its scenario as instantiated, the programs' implementation and the run's names. */
export interface Observed {
  scenario: Scenario
  impl: Impl
  runId: string
  project: string
  /** The seed its random faults drew from. */
  seed: number
  /** The language of each submitted program, where it is known: the hints' code is in it. */
  languages?: Record<string, Language>
}

export function judge(
  observed: Observed,
  run: LabRun,
  submissions: Record<string, string>,
  wallMs: number,
): ScenarioResult {
  const { scenario, impl, runId, project, seed, languages } = observed
  const checks = checkScenario(scenario, run)
  const status = run.skipped ? 'skipped' : checks.every((check) => check.passed) ? 'passed' : 'failed'
  return {
    scenario,
    impl,
    runId,
    project,
    seed,
    checks,
    run,
    status,
    submissions,
    wallMs,
    hints: hintsFor(scenario, {
      run,
      checks,
      submitted: Object.keys(submissions),
      ...(languages ? { languages } : {}),
    }),
  }
}
