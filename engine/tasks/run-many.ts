// `lab <scenario>...`: scenarios run a few labs at a time, the longest (by their last run here) first, so that
// a parallel catalog does not end on a long one; each run's wall time is kept for the next ordering.
import type { EventSink, OnEvent } from '../model/events.ts'
import type { ScenarioResult } from '../model/result.ts'
import type { Impl, Scenario } from '../model/scenario.ts'
import { prepareCaptureDir } from '../plan/capture-dir.ts'
import { ensureLabImage } from '../runtime/image.ts'
import { runScenario } from '../runtime/run.ts'
import { longestFirst, readDurations, recordDurations } from './durations.ts'
import { runPool } from './pool.ts'

export interface RunManyOptions {
  impl: Impl
  /** Programs of one's own, by host (every scenario runs them). */
  submissions: Record<string, string>
  parallel: number
  /** What every scenario's random faults draw from. */
  seed: number
  /** --capture DIR: every host's pcap kept there. */
  captureDir?: string
  /** Capture every host, for a report's packet diagram. */
  captureAll: boolean
  /** The Docker preflight, started while the scenarios loaded: its failure counts from here. */
  dockerReady: Promise<void>
  /** Each run's own events, as they happen (lines, a server listening, checks): `--reporter events`. */
  onRunEvent?: EventSink
  /** False: wait for every deadline (--no-stop-early). */
  stopEarly?: boolean
}

/** Runs every scenario in its own lab; results in the scenarios' order. `onEvent` hears each start and end (as
 * they happen: several run at once) and the lab's notes. */
export async function runMany(
  scenarios: Scenario[],
  options: RunManyOptions,
  onEvent: OnEvent = () => undefined,
): Promise<ScenarioResult[]> {
  const { impl, submissions, captureDir, captureAll } = options
  if (captureDir) await prepareCaptureDir(captureDir)
  const image = await ensureLabImage((text) => onEvent({ kind: 'note', text }), {}, options.dockerReady)
  const startOrder = longestFirst(
    scenarios.map((s) => s.id),
    await readDurations(),
  )
  const results = await runPool(
    scenarios,
    options.parallel,
    async (scenario, index) => {
      onEvent({ kind: 'run-started', index, scenario })
      const result = await runScenario(scenario, {
        image,
        impl,
        submissions,
        captureDir,
        captureAll,
        seed: options.seed,
        onEvent: options.onRunEvent,
        stopEarly: options.stopEarly,
      })
      onEvent({ kind: 'run-ended', index, result })
      return result
    },
    startOrder,
  )
  // A run of one's own programs says nothing of how long the reference ones take.
  await recordDurations(
    results
      .filter((r) => r.status !== 'skipped' && !Object.keys(r.submissions).length)
      .map((r) => ({ id: r.scenario.id, wallMs: r.wallMs })),
  )
  return results
}
