// The vocabulary of a scenario file: hosts, what each runs, what each is expected to do. Scenarios are data;
// the engine turns them into a compose project, runs it, and hands back plain results to check.

import type { HintRule } from './hints.ts'
import type { Check, LabRun } from './observations.ts'
import type { Grading } from './points.ts'

export type { Check, HostRun, LabRun, OutputLine, Packet } from './observations.ts'

/** Which implementation of the reference programs runs: services/programs/ts or services/programs/python. */
export type Impl = 'ts' | 'python'
export const IMPLS: readonly Impl[] = ['ts', 'python']

export interface HostSpec {
  /** A reference program in services/programs/<impl>/ (e.g. 'tcp-server'). */
  program: string
  args?: string[]
  /** Extra environment for the program (LAB_SERVER_HOST and LAB_PORT are always set). */
  env?: Record<string, string>
  /** The hosts this one starts after (default: every host declared before it); [] to start with the first. */
  after?: string[]
  /** Run inside another host's network namespace (its localhost, its address), not as a host of its own. */
  inside?: string
  /** Hosts declared after this one start only once it listens on this port (TCP or UDP). */
  listens?: number
}

/** Which packets a fault applies to. */
export type Protocol = 'tcp' | 'udp' | 'icmp' | 'all'
/** Packets arriving at the host ('in'), leaving it ('out'), or both. */
export type Direction = 'in' | 'out' | 'both'

/**
 * A network fault, applied by the host's network sidecar before its program starts (or at `atMs` after it
 * started, for a partition). Faults are data; engine/faults.ts turns them into nftables rules and tc qdiscs.
 */
export type Fault =
  /** Drops `percent` % of the matching packets at random (nftables numgen). */
  | { kind: 'loss'; host: string; percent: number; protocol?: Protocol; direction?: Direction }
  /** Drops everything silently: the host looks unreachable, connections time out. */
  | { kind: 'blackhole'; host: string }
  /** Answers with a TCP reset (or ICMP port unreachable for UDP): the host refuses. */
  | { kind: 'reject'; host: string; protocol?: 'tcp' | 'udp'; port?: number }
  /** Cuts traffic between two hosts, from `atMs` after the first host's program started, for `forMs`. */
  | { kind: 'partition'; between: [string, string]; atMs?: number; forMs?: number }
  /** Limits what the host sends to `kbit` kilobits per second (tc tbf). */
  | { kind: 'rate'; host: string; kbit: number }
  /** Delays what the host sends (tc netem; skipped where the kernel has no sch_netem). */
  | { kind: 'delay'; host: string; ms: number; jitterMs?: number }
  /** Takes the host's interface down: its address stays in the lab's DNS, but nobody answers ARP for it. */
  | { kind: 'disconnect'; host: string }

export interface HostExpectation {
  /** An exit code, or 'running' for a server that keeps serving until the lab is torn down. */
  exit?: number | 'running'
  /** Lines the host must print on stdout, in this order. */
  prints?: string[]
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
  faults?: Fault[]
  /** Hosts whose packets are captured (a pcap each) for packet checks; `true` for every host. */
  capture?: string[] | true
  expect: Record<string, HostExpectation>
  /** Checks that data cannot say. */
  check?: (run: LabRun) => Check[]
  /** The likely mistakes this scenario can name when a submitted program fails it (see engine/hints.ts). */
  hints?: HintRule[]
  /** Points and visibility of checks, by description (engine/model/points.ts); every check is 1 visible point
   * otherwise. An exercise's exercise.json may add to it. */
  grading?: Grading
  /** The parameter values this scenario was declared with, for a parametrized one. */
  params?: Params
}

/** A scenario as written in its file; its id is the file name. */
export type ScenarioDef = Omit<Scenario, 'id' | 'params'>

/** Numbers a user may change from the command line (`--param loss=10`), with their defaults. */
export type Params = Record<string, number>

/** A scenario whose declaration depends on parameters. */
export interface ParametrizedScenarioDef<P extends Params = Params> {
  params: P
  define: (params: P) => ScenarioDef
}

export function defineScenario(def: ScenarioDef): ScenarioDef
export function defineScenario<P extends Params>(params: P, define: (params: P) => ScenarioDef): ParametrizedScenarioDef<P>
export function defineScenario<P extends Params>(defOrParams: ScenarioDef | P, define?: (params: P) => ScenarioDef) {
  return define ? { params: defOrParams as P, define } : defOrParams
}
