// What runs tell as they go, in two streams: a run's own events (RunEvent: a cold, warm or pooled run emits the same
// ones, as they happen: a line printed, a server listening, a check) and the events of the tasks of many runs
// (LabEvent: run many, grade a class, soak). Reporters (terminal, JSON, JUnit, HTML, the class report, `--reporter
// events`) and, later, a browser view subscribe to them. Events say what happened, when it happened: putting them
// in order (blocks in the order asked) is the listener's.
import type { GradeRow } from './grade.ts'
import type { Check, Packet, Problem } from './observations.ts'
import type { ScenarioResult, Verdict } from './result.ts'
import type { Scenario } from './scenario.ts'

/** Every event names its run; `at` is epoch milliseconds, `atMs` milliseconds from the host's program start. */
export type RunEvent =
  | { kind: 'run-started'; runId: string; scenario: string; hosts: string[]; warm: boolean; at: number }
  /** The lab let the host's program start (its start mark). */
  | { kind: 'host-started'; runId: string; host: string; at: number }
  /** The host's sidecar saw its program listen on the scenario's port. */
  | { kind: 'socket-listening'; runId: string; host: string; port: number; at: number }
  | { kind: 'host-ended'; runId: string; host: string; exitCode: number | null; at: number }
  | { kind: 'line'; runId: string; host: string; stream: 'stdout' | 'stderr'; atMs: number; text: string }
  | { kind: 'packet'; runId: string; host: string; packet: Packet }
  /** A host's sidecar put a timed fault on, or took it off, at `at` (its own output's time). */
  | { kind: 'fault'; runId: string; host: string; action: 'applied' | 'removed'; at: number }
  | { kind: 'problem'; runId: string; problem: Problem }
  | { kind: 'check'; runId: string; check: Check }
  | { kind: 'run-ended'; runId: string; result: ScenarioResult }

export type RunEventKind = RunEvent['kind']

/** Where a run's events go: a reporter's `onEvent`, a test's array, nowhere. */
export type EventSink = (event: RunEvent) => void

export const ignoreEvents: EventSink = () => undefined

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
