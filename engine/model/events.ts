// What the tasks of many runs (engine/tasks/: run many, grade a class, soak) tell whoever listens as they go: a
// command turns these into its reporters' calls; anything else (a browser view) can listen to the same stream.
// Events say what happened, when it happened: putting them in order (blocks in the order asked) is the listener's.
import type { GradeRow } from './grade.ts'
import type { ScenarioResult, Verdict } from './result.ts'
import type { Scenario } from './scenario.ts'

export type LabEvent =
  /** A line for the person ("building the lab image", "grading 30 submissions with tcp-basic"). */
  | { kind: 'note'; text: string }
  /** Run `index` (its place among the runs asked for) starts. */
  | { kind: 'run-started'; index: number; scenario: Scenario }
  /** Run `index` ended; its result is final. */
  | { kind: 'run-ended'; index: number; result: ScenarioResult }
  /** A student's row is final: `index` is their place in this grading, `classIndex` in the whole class (a
   * `grade --slice` grades a part of it). */
  | { kind: 'row-graded'; index: number; classIndex: number; row: GradeRow }
  /** How far a grading is, after each student it graded; `etaMs` at the pace so far, once there is one. */
  | { kind: 'progress'; done: number; total: number; etaMs?: number }
  /** One run of a soak ended (`wallMs` NaN when it threw before it had one). */
  | { kind: 'soak-run'; done: number; total: number; scenario: string; verdict: Verdict; wallMs: number }

export type OnEvent = (event: LabEvent) => void
