// One JSON document for a whole run, for scripts and dashboards: every scenario, every check record and what
// each host printed. `version` changes when a field changes meaning or goes away (2: a packet's payload is
// `payloadHex`, packets are bounded and `cut` says what was left out; 3: a problem is `{ kind, host?, text }`). A
// field added leaves it (a scenario's `seed`, since 3): a reader of version 3 may find it absent.
import type { ScenarioResult } from '../engine/model/result.ts'
import type { Problem } from '../engine/model/observations.ts'
import type { Check, HostRun, Packet } from '../engine/model/scenario.ts'
import type { Reporter, Sink } from './types.ts'

export const JSON_REPORT_VERSION = 3

/** What the document keeps of the captures. A program decides how many packets there are and what they carry:
 * kept whole, a 1 KiB UDP blast (2 × 50 000 decoded packets, 256 payload bytes each, printed a byte a line) is
 * more than a string can hold: JSON.stringify throws 'RangeError: Invalid string length' and no document is written. */
export const JSON_LIMITS = { packetsPerHost: 1_000, packets: 10_000, payloadBytesPerPacket: 64 } as const

export interface JsonReport {
  version: typeof JSON_REPORT_VERSION
  passed: boolean
  summary: {
    scenarios: number
    passed: number
    failed: number
    skipped: number
    checks: number
    checksFailed: number
    wallMs: number
  }
  /** What the document left out: packets past the limits, payload bytes of the packets kept past their preview. */
  cut: { packets: number; payloadBytes: number; limits: typeof JSON_LIMITS }
  scenarios: JsonScenario[]
}

/** A packet with its payload's first bytes in hex; `length` stays the whole payload's length. */
export type JsonPacket = Omit<Packet, 'payload'> & { payloadHex?: string }

export type JsonHost = Omit<HostRun, 'packets'> & {
  packets?: JsonPacket[]
  /** Packets of this host's capture the document left out (its first ones are kept). */
  packetsCut?: number
}

export interface JsonScenario {
  id: string
  title: string
  teaches: string
  impl: string
  project: string
  /** The seed every random fault of the run drew from: `--seed` with it reruns the same decisions. */
  seed: number
  status: ScenarioResult['status']
  /** status === 'passed', for readers of version 1. */
  passed: boolean
  wallMs: number
  checks: Check[]
  /** What went wrong in the run: `kind` for scripts (engine/model/observations.ts ProblemKind), `text` for people. */
  problems: Problem[]
  /** Why the scenario could not run on this machine, when it could not. */
  skipped?: string
  /** Submitted programs by host, and the likely mistakes behind their failure. */
  submissions: Record<string, string>
  hints: ScenarioResult['hints']
  hosts: Record<string, JsonHost>
}

export function jsonReport(results: ScenarioResult[]): JsonReport {
  const checks = results.flatMap((r) => r.checks)
  const count = (status: ScenarioResult['status']) => results.filter((r) => r.status === status).length
  const cut = { packets: 0, payloadBytes: 0, limits: JSON_LIMITS }
  const bound = hostBounder(cut)
  const boundHosts = (hosts: Record<string, HostRun>) =>
    Object.fromEntries(Object.entries(hosts).map(([name, host]) => [name, bound(host)]))
  const scenarios = results.map((r) => ({
    id: r.scenario.id,
    title: r.scenario.title,
    teaches: r.scenario.teaches,
    impl: r.impl,
    project: r.project,
    seed: r.seed,
    status: r.status,
    passed: r.status === 'passed',
    wallMs: Math.round(r.wallMs),
    checks: r.checks,
    problems: r.run.problems,
    ...(r.run.skipped ? { skipped: r.run.skipped } : {}),
    submissions: r.submissions,
    hints: r.hints,
    hosts: boundHosts(r.run.hosts),
  }))
  return {
    version: JSON_REPORT_VERSION,
    passed: count('failed') === 0,
    summary: {
      scenarios: results.length,
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped'),
      checks: checks.length,
      checksFailed: checks.filter((c) => !c.passed).length,
      wallMs: Math.round(results.reduce((sum, r) => sum + r.wallMs, 0)),
    },
    cut,
    scenarios,
  }
}

/** Each host with its first packets, as many as the limits leave, each with a payload preview; the rest is
 * counted in `cut`. One bounder for the whole document: the limit in all spans every scenario. */
function hostBounder(cut: JsonReport['cut']): (host: HostRun) => JsonHost {
  let kept = 0
  const preview = (packet: Packet): JsonPacket => {
    const { payload, ...rest } = packet
    if (!payload) return rest
    cut.payloadBytes += Math.max(0, payload.length - JSON_LIMITS.payloadBytesPerPacket)
    return { ...rest, payloadHex: payload.subarray(0, JSON_LIMITS.payloadBytesPerPacket).toString('hex') }
  }
  return (host) => {
    if (!host.packets) return host
    const room = Math.min(JSON_LIMITS.packetsPerHost, JSON_LIMITS.packets - kept)
    const packets = host.packets.slice(0, room).map(preview)
    kept += packets.length
    const left = host.packets.length - packets.length
    cut.packets += left
    return { ...host, packets, ...(left ? { packetsCut: left } : {}) }
  }
}

export class JsonReporter implements Reporter {
  readonly #sink: Sink
  constructor(sink: Sink) {
    this.#sink = sink
  }
  async onRunEnd(results: ScenarioResult[]): Promise<void> {
    await this.#sink(`${JSON.stringify(jsonReport(results), null, 2)}\n`)
  }
}
