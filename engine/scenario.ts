// The vocabulary of a scenario file: hosts, what each runs, what each is expected to do. Scenarios are data;
// the engine turns them into a compose project, runs it, and hands back plain results to check.

/** Which implementation of the reference programs runs: services/programs/ts or services/programs/python. */
export type Impl = 'ts' | 'python'
export const IMPLS: readonly Impl[] = ['ts', 'python']

export interface HostSpec {
  /** A reference program in services/programs/<impl>/ (e.g. 'tcp-server'). */
  program: string
  args?: string[]
  /** Hosts declared after this one start only once it listens on this port (TCP or UDP). */
  listens?: number
}

export interface HostExpectation {
  /** An exit code, or 'running' for a server that keeps serving until the lab is torn down. */
  exit?: number | 'running'
  /** Lines the host must print on stdout, in this order. */
  prints?: string[]
}

export interface Check {
  description: string
  passed: boolean
  /** The observed value: what happened, not what was hoped for. */
  reason: string
}

export interface OutputLine {
  /** Milliseconds since the program started. */
  atMs: number
  text: string
}

/** What one host did during a run, as plain data. */
export interface HostRun {
  host: string
  /** null while the program was still running when the lab ended. */
  exitCode: number | null
  /** Milliseconds from the program's start to its exit, or to the end of the run when still running. */
  elapsedMs: number
  stdout: OutputLine[]
  stderr: OutputLine[]
}

export interface LabRun {
  hosts: Record<string, HostRun>
  /** Phases that went wrong (the lab did not come up, a host outlived the deadline), in words. */
  problems: string[]
}

export interface Scenario {
  /** The file name in scenarios/, without extension. */
  id: string
  title: string
  /** The section of the seed guide (shared/seed/sockets-em-python.md) it teaches. */
  teaches: string
  /** How long the programs may run before the scenario fails as hung. */
  deadlineMs: number
  hosts: Record<string, HostSpec>
  expect: Record<string, HostExpectation>
  /** Checks that data cannot say. */
  check?: (run: LabRun) => Check[]
}

/** A scenario as written in its file; its id is the file name. */
export type ScenarioDef = Omit<Scenario, 'id'>

export function defineScenario(def: ScenarioDef): ScenarioDef {
  return def
}
