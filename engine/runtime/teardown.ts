// Tearing a lab down completely, on every path: success, failure, an exception, or an interruption (SIGINT,
// SIGTERM) in the middle of any phase. lab.ts runs the registered cleanups when a signal arrives.
import * as docker from './docker.ts'

/** A `down` that takes longer has hung; what it left is then removed by label, and reported if that fails. */
const DOWN_DEADLINE_MS = 120_000

/** Undoes something; returns what it could not undo, in words (nothing when all is gone). */
type Cleanup = () => Promise<string[] | void>

const pending = new Map<Cleanup, string>()
/** How long a teardown waits for what was under way when it began to register its cleanup. */
const LATE_CLEANUP_MS = 50
/** Set once the process tears everything down (a signal, a crash): the cleanups registered since, already run. */
let stopping: Promise<unknown>[] | undefined

/** Registers a cleanup for an interruption, saying what it removes; call the returned function once it has run
 * normally. Once the process is stopping, the cleanup runs at once instead (see `isStopping`). */
export function onInterrupt(cleanup: Cleanup, what: string): () => void {
  if (stopping) {
    stopping.push(cleanup().catch(() => undefined))
    return () => undefined
  }
  pending.set(cleanup, what)
  return () => pending.delete(cleanup)
}

/** Whether the process is tearing everything down: what registers a cleanup now must not go on creating things
 * (a run starting while the process crashes would make its folder after the teardown ran, and nothing would remove it). */
export function isStopping(): boolean {
  return stopping !== undefined
}

/** What the registered cleanups would remove, for telling the user when they cannot wait for them. */
export function pendingCleanups(): string[] {
  return [...pending.values()]
}

/** Runs every registered cleanup at once, and those registered meanwhile; returns what could not be removed. */
export async function runInterruptCleanups(): Promise<string[]> {
  stopping ??= []
  const cleanups = [...pending.keys()]
  pending.clear()
  const results = await Promise.allSettled(cleanups.map((cleanup) => cleanup()))
  // What was under way when the teardown began (a run's folder being made) lands within a few turns of the event
  // loop, and registers its cleanup then, which runs at once: wait for it, or the exit would leave it behind.
  await new Promise((resolve) => setTimeout(resolve, LATE_CLEANUP_MS))
  while (stopping.length) await stopping.shift()
  return results.flatMap((r) =>
    r.status === 'fulfilled' ? (r.value ?? []) : [`a cleanup failed: ${(r.reason as Error).message}`],
  )
}

export interface LabIdentity {
  project: string
  runId: string
  /** The run's compose file; without it the project is found by its labels. */
  file?: string
}

/** Removes everything of one run: stops an `up` still running, removes what carries the run's label through the
 * Engine API (all containers at once, then the network and volume: faster than `docker compose down`, see
 * docs/BENCHMARKS.md), and falls back on `docker compose down` for anything that resists. Returns what remains, in words. */
export async function tearDownLab(lab: LabIdentity): Promise<string[]> {
  try {
    await docker.stopComposeUp(lab.project)
    let left = await docker.findLeftovers({ runId: lab.runId })
    if (left.length) {
      await docker.removeLeftovers(left)
      left = await docker.findLeftovers({ runId: lab.runId })
    }
    if (!left.length) return []
    const downProblem = await docker.composeDown(lab.project, lab.file, DOWN_DEADLINE_MS)
    left = await docker.findLeftovers({ runId: lab.runId })
    if (!left.length) return []
    return [
      `${lab.project} was not torn down completely${downProblem ? ` (${downProblem})` : ''}: ${describeLeftovers(left)} remain`,
    ]
  } catch (error) {
    return [`${lab.project} may not be torn down: ${(error as Error).message}`]
  }
}

export function describeLeftovers(left: docker.Leftover[]): string {
  return left.map((l) => `${l.kind} ${l.name}`).join(', ')
}
