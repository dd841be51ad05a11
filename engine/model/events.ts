// What a run tells as it goes, in the order it happens: the one stream the reporters (terminal, JSON, JUnit, HTML,
// the class report) and, later, a browser view subscribe to. A cold, warm or pooled run emits the same events.
import type { Check, Packet, Problem } from './observations.ts'
import type { ScenarioResult } from './result.ts'

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
