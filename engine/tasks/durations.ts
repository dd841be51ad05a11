// How long each scenario took last time, so that `lab all --parallel N` starts the longest ones first (as test
// runners order their files): the catalog then ends with the longest scenario, not with it started last.
// Kept in the user's node_modules/.cache, where tools keep their caches (never in the installed package); a cache
// that cannot be written is no failure.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { CACHE_DIR } from '../plan/layout.ts'

const DURATIONS_FILE = path.join(CACHE_DIR, 'durations.json')

type Durations = Record<string, number>

export async function readDurations(file = DURATIONS_FILE): Promise<Durations> {
  return readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as Durations,
    () => ({}),
  )
}

/** Adds these runs' wall times to the file (a run of another process meanwhile may lose its own: harmless). */
export async function recordDurations(runs: { id: string; wallMs: number }[], file = DURATIONS_FILE): Promise<void> {
  if (!runs.length) return
  const durations = {
    ...(await readDurations(file)),
    ...Object.fromEntries(runs.map((run) => [run.id, Math.round(run.wallMs)])),
  }
  const partial = `${file}.${process.pid}`
  await mkdir(path.dirname(file), { recursive: true })
    .then(() => writeFile(partial, `${JSON.stringify(durations, null, 2)}\n`))
    .then(() => rename(partial, file))
    .catch(() => undefined)
}

/** The indices of `ids` with the longest known first; unknown ones (never run here) first of all, in order. */
export function longestFirst(ids: string[], durations: Durations): number[] {
  const expected = (id: string) => durations[id] ?? Number.POSITIVE_INFINITY
  return ids.map((_, index) => index).sort((a, b) => expected(ids[b]) - expected(ids[a]) || a - b)
}
