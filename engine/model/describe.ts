// The few words every reporter uses to describe a result: times, how a host ended, checks passed, the verdict.
// Written once here so the terminal, JUnit, GitHub, HTML, grades and the soak say the same thing.
import type { ScenarioResult, Verdict } from './result.ts'
import type { Check, Fault, HostRun } from './scenario.ts'

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}

/** How a host's program ended: never started, still running, or its exit code, with the time. */
export function hostEnd(host: Pick<HostRun, 'started' | 'exitCode' | 'elapsedMs'>): string {
  if (!host.started) return 'never started'
  if (host.exitCode === null) return `still running after ${formatMs(host.elapsedMs)}`
  return `exited with code ${host.exitCode} after ${formatMs(host.elapsedMs)}`
}

/** Checks passed out of all, as numbers and as "3/5". */
export function checkTally(checks: Pick<Check, 'passed'>[]): { passed: number; total: number; text: string } {
  const passed = checks.filter((check) => check.passed).length
  return { passed, total: checks.length, text: `${passed}/${checks.length}` }
}

/** The one vocabulary for a verdict: its word and its mark. */
export const VERDICTS: Record<Verdict, { word: string; mark: string }> = {
  passed: { word: 'passed', mark: '✔' },
  failed: { word: 'FAILED', mark: '✘' },
  skipped: { word: 'skipped', mark: '⊘' },
}

export const verdictOf = (result: Pick<ScenarioResult, 'status'>) => VERDICTS[result.status]

/** The line every report gives a run's seed in (engine/plan/seeds.ts). */
export const seedLine = (seed: number) => `random seed ${seed} — rerun with --seed ${seed}`

/** The seeds of some runs, each once, in their order. */
export const seedsOf = (results: { seed: number }[]): number[] => [...new Set(results.map((r) => r.seed))]

/** What a fault does, in words, without the host it is on ("loses 30 % (in)", "drops everything from 3 s for 3 s"). */
export function faultText(fault: Fault): string {
  switch (fault.kind) {
    case 'loss':
      return `loses ${fault.percent} %${fault.protocol ? ` of ${fault.protocol}` : ''} (${fault.direction ?? 'in'})`
    case 'delay':
      return `delays ${fault.ms} ms${fault.jitterMs ? ` ± ${fault.jitterMs} ms` : ''}`
    case 'rate':
      return `sends at most ${fault.kbit} kbit/s`
    case 'blackhole':
      return fault.atMs !== undefined
        ? `drops everything from ${fault.atMs / 1000} s${fault.forMs !== undefined ? ` for ${fault.forMs / 1000} s` : ''}`
        : 'drops everything'
    case 'partition':
      return `cut apart${fault.atMs !== undefined ? ` from ${fault.atMs / 1000} s` : ''}${fault.forMs !== undefined ? ` for ${fault.forMs / 1000} s` : ''}`
    default:
      return fault.kind
  }
}

/** A fault with the host (or the two hosts) it is on: "server loses 30 % (in)", "client and server cut apart". */
export const describeFault = (fault: Fault) =>
  fault.kind === 'partition'
    ? `${fault.between.join(' and ')} ${faultText(fault)}`
    : `${fault.host} ${faultText(fault)}`
