// Which runs are in progress on this machine, so that `lab clean` removes what killed runs left and never a
// lab that another `npm run lab` (or a test) is using right now. One small file per live run, holding its pid, in
// a folder that the last run to end removes: nothing of the lab stays in /tmp once no run is live.
import { readFileSync } from 'node:fs'
import { mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

const LIVE_RUNS_DIR = path.join(os.tmpdir(), 'socket-lab-live-runs')

/** Marks a run as live for as long as this process lives; returns the function that unmarks it. */
export async function markRunLive(runId: string, dir = LIVE_RUNS_DIR): Promise<() => Promise<void>> {
  const file = path.join(dir, runId)
  // Another run that ends may remove the folder, empty, between its making and this write: make it again.
  for (let tries = 1; ; tries++) {
    await mkdir(dir, { recursive: true })
    try {
      await writeFile(file, String(process.pid))
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || tries === 10) throw error
    }
  }
  return async () => {
    await rm(file, { force: true })
    await rmdir(dir).catch(() => undefined) // not empty: another run is live
  }
}

/** The runs whose process is still alive; a file whose process died is a killed run's, and is removed. */
export async function liveRunIds(dir = LIVE_RUNS_DIR): Promise<Set<string>> {
  const live = new Set<string>()
  for (const runId of await readdir(dir).catch(() => [] as string[])) {
    const file = path.join(dir, runId)
    const pid = Number(await readFile(file, 'utf8').catch(() => ''))
    if (pid && processAlive(pid)) live.add(runId)
    else await rm(file, { force: true })
  }
  return live
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  return !isZombie(pid)
}

/** A killed process stays a zombie until its parent reaps it, and signal 0 still reaches a zombie. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
  } catch {
    return false // no /proc (macOS): trust the signal
  }
}
