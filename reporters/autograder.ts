// What the autograder formats (Gradescope, PrairieLearn) share: every check of every scenario as one scored
// test, named by its description (prefixed by the scenario when a run has several), and whether the student's
// program never ran at all, which PrairieLearn does not count as an attempt.
import type { Lang } from '../engine/model/hints.ts'
import { scoreChecks, type ScoredCheck } from '../engine/model/points.ts'
import { seedLine, seedsOf } from '../engine/model/describe.ts'
import type { ScenarioResult } from '../engine/model/result.ts'
import { viewHints } from '../engine/model/view.ts'
import { visible } from '../engine/model/visible.ts'

export interface AutograderTest {
  name: string
  check: ScoredCheck
  /** The observed value and its evidence, a line each. */
  output: string
}

export function autograderTests(results: ScenarioResult[]): AutograderTest[] {
  return results.flatMap((result) =>
    scoreChecks(result.checks, result.scenario.grading).map((check) => ({
      name: visible(results.length > 1 ? `${result.scenario.id}: ${check.description}` : check.description),
      check,
      output: [check.reason, ...(check.details ?? [])].map(visible).join('\n'),
    })),
  )
}

/** A submitted program the lab never started (its lab did not come up, or the scenario was skipped). Decided on
 * what the lab itself knows, never on what the program printed: with the syntax-error hint (a line of stderr
 * matching `SyntaxError`) deciding it, any program could print that line and have its attempt not counted. */
export function neverRan(result: ScenarioResult): boolean {
  return Object.keys(result.submissions).some((host) => !result.run.hosts[host]?.started)
}

/** The run as a whole, as the student reads it, in their language: what was skipped and the likely mistakes,
 * without a quote of what a check they do not see expects; last, the seed that reruns its random faults. */
export function summaryText(results: ScenarioResult[], lang: Lang, afterDue: boolean, withSeed = true): string {
  return [
    ...results.flatMap((r) => [
      ...(r.status === 'skipped' ? [`${r.scenario.id}: skipped (${r.run.skipped})`] : []),
      ...viewHints(r, { view: 'student', afterDue }).map((hint) => visible(hint.text[lang])),
    ]),
    ...(withSeed ? seedsOf(results).map(seedLine) : []),
  ].join('\n')
}
