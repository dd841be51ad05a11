// The vocabulary of a scenario file: hosts, what each runs, what each is expected to do. Scenarios are data;
// the engine turns them into a compose project, runs it, and hands back plain results to check.

import type { HintRule } from './hints.ts'
import type { Check, LabRun } from './observations.ts'
import type { Grading } from './points.ts'

export type { Check, HostRun, LabRun, OutputLine, Packet, Problem, ProblemKind } from './observations.ts'

/** Which implementation of the reference programs runs: services/programs/ts or services/programs/python. */
export type Impl = 'ts' | 'python'
export const IMPLS: readonly Impl[] = ['ts', 'python']

export interface HostSpec extends HostProgram {
  args?: string[]
  /** Extra environment for the program (LAB_SERVER_HOST and LAB_PORT are always set). */
  env?: Record<string, string>
  /** The hosts this one starts after (default: every host declared before it); [] to start with the first. */
  after?: string[]
  /** Run inside another host's network namespace (its localhost, its address), not as a host of its own. */
  inside?: string
  /** Hosts declared after this one start only once it listens on this port (TCP or UDP). */
  listens?: number
  /** The scenario's networks this host is attached to (default: the first one), by name, each with its number in
   * the network's subnet (10 is x.y.z.10; by default the engine numbers hosts from 10 in declaration order). */
  networks?: string[] | Record<string, { address?: number }>
  /** Routes its sidecar adds: to a network of the scenario (or 'default'), via a router on a network it shares. */
  routes?: Route[]
  /** A router: forwards between its networks (its sidecar sets routes and NAT; its program only idles). */
  router?: RouterSpec
}

/** A lab network of a multi-network scenario; internal like the base `lab` network, with no way out of the lab. */
export interface NetworkSpec {
  /** An IPv4 /24 such as '10.213.40.0/24'; by default the engine draws one of its pool for every run. */
  subnet?: string
  /** The MTU of every interface on the network (1500 by default). */
  mtu?: number
}

export interface Route {
  /** A network of the scenario, or 'default'. */
  to: string
  /** A router host that shares a network with this host. */
  via: string
}

export interface RouterSpec {
  /** Network address translation: what leaves through `network` gets the router's address on it (masquerade), and
   * `forwards` send what arrives there on a port to a host behind the router (a port forward). */
  nat?: { network: string; forwards?: { port: number; protocol?: 'tcp' | 'udp'; to: string; toPort?: number }[] }
}

/** What a host runs: exactly one of `program`, `run`, `image` or `build` (engine/plan/host-kinds.ts). Faults,
 * captures, `listens` and checks are the same for every kind: the network sidecar joins the host's namespace
 * whatever image its program uses. Relative paths count from the scenario file's folder. */
export interface HostProgram {
  /** A reference program in services/programs/<impl>/ (e.g. 'tcp-server'). */
  program?: string
  /** A program of your own in the lab's image: a file (run by its extension or #! line, as a submission), or a
   * command with files or folders mounted read-only in /opt/lab/files (its working folder). */
  run?: { file: string } | { command: string[]; files?: string[] }
  /** Any image on this machine (pulled when missing); its own entrypoint runs, with `command`, `env` and `user`. */
  image?: string
  /** A folder with a Dockerfile, built once and cached by its content, then run as `image` is. */
  build?: string | { context: string; dockerfile?: string; args?: Record<string, string> }
  /** The command of an `image` or `build` host (default: the image's own). */
  command?: string[]
  /** The user of an `image` or `build` host (default: the image's own). */
  user?: string
  /** `false` runs an `image` or `build` host with Docker's defaults (its capabilities, no limits), for a team's
   * own trusted service. Sandboxed by default: no capabilities, no new privileges, bounded pids, memory and CPU. */
  sandbox?: boolean
}

/** Which packets a fault applies to. */
export type Protocol = 'tcp' | 'udp' | 'icmp' | 'all'
/** Packets arriving at the host ('in'), leaving it ('out'), or both. */
export type Direction = 'in' | 'out' | 'both'

/** Which packets an impairment touches and when: by default everything the host sends ('out'), all the time.
 * Times count from the program's start; `everyMs` repeats the window (a loss burst every second). */
export interface ImpairScope {
  host: string
  direction?: Direction
  protocol?: Protocol
  /** Only packets to or from this host. */
  peer?: string
  atMs?: number
  forMs?: number
  everyMs?: number
  /** Several windows instead of one (a flapping link). */
  phases?: { atMs: number; forMs?: number; everyMs?: number }[]
}

/** netem's jitter distributions. */
export type Distribution = 'uniform' | 'normal' | 'pareto' | 'paretonormal'
/** Gilbert–Elliott (netem `loss gemodel p r 1-h 1-k`, in %): `p` good to bad, `r` bad to good, and the loss in
 * each state (default 100 % in bad, 0 % in good); or netem's 4-state Markov model (`loss state p13 p31 p32 p23 p14`). */
export type BurstModel =
  | { p: number; r: number; badLoss?: number; goodLoss?: number }
  | { p13: number; p31?: number; p32?: number; p23?: number; p14?: number }

/**
 * A network fault, applied by the host's network sidecar before its program starts (or at `atMs` after it
 * started, for a partition). Faults are data; engine/plan/faults.ts turns them into nftables rules, tc qdiscs,
 * and impairments (engine/plan/impair.ts) that netem or the sidecar's userspace engine applies.
 */
export type Fault = FaultKind & {
  /** In a multi-network scenario: only on the host's interface on this network (a lossy uplink, a router port). */
  network?: string
}

type FaultKind =
  /** Drops `percent` % of the matching packets at random (nftables numgen; the impairment engine when it has a
   * peer, a time or a correlation). Direction 'in' by default. */
  | ({ kind: 'loss'; percent: number; correlation?: number } & ImpairScope)
  /** Holds each packet `ms` (± `jitterMs` in a distribution, each delay correlated by `correlation` % with the last). */
  | ({ kind: 'delay'; ms: number; jitterMs?: number; distribution?: Distribution; correlation?: number } & ImpairScope)
  /** With a delay: `percent` % of the packets go at once, ahead of the delayed ones (after `gap` - 1 delayed). */
  | ({ kind: 'reorder'; percent: number; gap?: number; correlation?: number } & ImpairScope)
  /** Sends `percent` % of the packets twice. */
  | ({ kind: 'duplicate'; percent: number; correlation?: number } & ImpairScope)
  /** Flips one bit in `percent` % of the packets; `recomputeChecksum` fixes the TCP/UDP checksum after it. */
  | ({ kind: 'corrupt'; percent: number; recomputeChecksum?: boolean; correlation?: number } & ImpairScope)
  /** Loses packets in bursts, as a Markov model says. */
  | ({ kind: 'burst-loss'; model: BurstModel } & ImpairScope)
  /** Drops everything silently: the host looks unreachable, connections time out; on a router, what it forwards
   * too. With `atMs` (from the host's program start) and `forMs`, only for that while: a router that goes down. */
  | { kind: 'blackhole'; host: string; atMs?: number; forMs?: number }
  /** Answers with a TCP reset (or ICMP port unreachable for UDP): the host refuses. */
  | { kind: 'reject'; host: string; protocol?: 'tcp' | 'udp'; port?: number }
  /** Cuts traffic between two hosts, from `atMs` after the first host's program started, for `forMs`. */
  | { kind: 'partition'; between: [string, string]; atMs?: number; forMs?: number }
  /** Limits what the host sends to `kbit` kilobits per second (tc tbf); with `queue` (packets waiting, beyond
   * which they drop), a direction, a filter or a time, the impairment engine. */
  | ({ kind: 'rate'; kbit: number; queue?: number } & ImpairScope)
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
  /** Several networks joined by routers (engine/plan/topology.ts); without them, one network holds every host. */
  networks?: Record<string, NetworkSpec>
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
export function defineScenario<P extends Params>(
  params: P,
  define: (params: P) => ScenarioDef,
): ParametrizedScenarioDef<P>
export function defineScenario<P extends Params>(defOrParams: ScenarioDef | P, define?: (params: P) => ScenarioDef) {
  return define ? { params: defOrParams as P, define } : defOrParams
}
