// What a reporter is: a listener on a run's events, every hook optional (as vitest's Reporter). A reporter only
// renders the records it is given; it never runs anything and never talks to Docker, so it imports only
// engine/model and engine/judge.
import type { RunEvent } from '../engine/model/events.ts'
import type { GradeRow } from '../engine/model/grade.ts'
import type { ScenarioResult } from '../engine/model/result.ts'
import type { Scenario } from '../engine/model/scenario.ts'

export interface Reporter {
  /** A progress line of the lab itself ("building the lab image"). */
  onNote?(line: string): void
  /** A scenario is about to run (with --parallel, several may be running at once). */
  onScenarioStart?(scenario: Scenario): void
  /** Something happened in a run, as it happened (engine/model/events.ts): runs in parallel interleave. */
  onEvent?(event: RunEvent): void
  /** A scenario ended; its result is final. Results arrive in the order they were asked for. */
  onScenarioEnd?(result: ScenarioResult): void
  /** `lab grade`: one student's row is final. Rows arrive in the order of the students. */
  onGrade?(row: GradeRow): void
  /** `lab grade`: how far the class is, after each student (in the order they finish). */
  onProgress?(progress: Progress): void
  /** Every scenario ended; results are in the order they were asked for (empty for `lab grade`). */
  onRunEnd?(results: ScenarioResult[]): void | Promise<void>
}

export interface Progress {
  done: number
  total: number
  /** Milliseconds left at the pace so far; undefined before the first student finished. */
  etaMs?: number
}

/** Where a reporter's document goes: a file, or standard output. */
export type Sink = (text: string) => Promise<void>

/** Tells the person something (a file written) through the terminal reporter. */
export type Note = (line: string) => void
