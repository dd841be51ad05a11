// Which runs are in progress on this machine, so that `lab clean` removes what killed runs left and never a
// lab that another `npm run lab` (or a test) is using right now. One small file per live run, holding its process
// (pid and start time), in a folder that the last run to end removes: nothing of the lab stays in /tmp once no run
// is live. A marker whose process is gone, or whose pid another process has since taken, is a killed run's.
import { readFileSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

const LIVE_RUNS_DIR = path.join(os.tmpdir(), 'socket-lab-live-runs')

/** A marker is written whole under this suffix, then renamed: a reader never sees half of one. */
const PART = '.part'
/** A `.part` older than this was left by a process killed while it wrote it. */
const PART_STALE_MS = 60_000
/** How much later than its marker a process may seem to have started (clock ticks, a slow write) and still be the
 * one that wrote it; a process that started later took a dead run's pid. */
const START_SLACK_MS = 2000
/** Linux's USER_HZ, in which /proc/<pid>/stat counts a process's start. */
const CLOCK_TICKS_PER_SECOND = 100

/** A process, told apart from a later one with the same pid by when it started (undefined without /proc). */
export interface ProcessIdentity {
  pid: number
  started?: string
}

export const thisProcess = (): ProcessIdentity => ({ pid: process.pid, started: startTicks(process.pid) })

/** Marks a run as live for as long as its process (this one) lives; returns the function that unmarks it. */
export async function markRunLive(
  runId: string,
  dir = LIVE_RUNS_DIR,
  owner: ProcessIdentity = thisProcess(),
): Promise<() => Promise<void>> {
  const file = path.join(dir, runId)
  // Another run that ends may remove the folder, empty, between its making and this write: make it again.
  for (let tries = 1; ; tries++) {
    await mkdir(dir, { recursive: true })
    try {
      await writeFile(`${file}${PART}`, JSON.stringify(owner))
      await rename(`${file}${PART}`, file)
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

/** The runs whose process is still alive; a marker whose process died, or whose pid another process took since,
 * is a killed run's, and is removed. */
export async function liveRunIds(dir = LIVE_RUNS_DIR): Promise<Set<string>> {
  const live = new Set<string>()
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const file = path.join(dir, name)
    if (name.endsWith(PART)) {
      const written = await stat(file).then(
        (s) => s.mtimeMs,
        () => undefined,
      )
      if (written !== undefined && Date.now() - written > PART_STALE_MS) await rm(file, { force: true })
      continue
    }
    if (await markerLive(file)) live.add(name)
    else await rm(file, { force: true })
  }
  return live
}

async function markerLive(file: string): Promise<boolean> {
  const [text, written] = await Promise.all([
    readFile(file, 'utf8').catch(() => ''),
    stat(file).then(
      (s) => s.mtimeMs,
      () => 0,
    ),
  ])
  const owner = parseMarker(text)
  if (!owner || !processAlive(owner.pid)) return false
  const started = startTicks(owner.pid)
  if (started === undefined) return true // no /proc (macOS): trust the signal
  // A marker of this version names its process's start; an older one (a pid alone) is dated by its file.
  if (owner.started !== undefined) return owner.started === started
  const startedAt = bootTimeMs() + (Number(started) * 1000) / CLOCK_TICKS_PER_SECOND
  return startedAt <= written + START_SLACK_MS
}

/** A marker's process: `{"pid":…,"started":…}`, or a pid alone (written by an older version). */
function parseMarker(text: string): ProcessIdentity | undefined {
  if (/^\d+$/.test(text.trim())) return { pid: Number(text) }
  try {
    const { pid, started } = JSON.parse(text) as { pid?: unknown; started?: unknown }
    if (!Number.isInteger(pid) || (pid as number) <= 0) return undefined
    return { pid: pid as number, ...(typeof started === 'string' ? { started } : {}) }
  } catch {
    return undefined
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  return !isZombie(pid)
}

/** The fields of /proc/<pid>/stat after the command's name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}

/** When the process started, in clock ticks after boot (field 22 of /proc/<pid>/stat). */
function startTicks(pid: number): string | undefined {
  return statFields(pid)?.[19]
}

/** When the machine booted (epoch ms), from /proc/stat. */
function bootTimeMs(): number {
  const btime = readFileSync('/proc/stat', 'utf8').match(/^btime (\d+)$/m)?.[1]
  return Number(btime) * 1000
}

/** A killed process stays a zombie until its parent reaps it, and signal 0 still reaches a zombie. */
function isZombie(pid: number): boolean {
  const fields = statFields(pid)
  return fields ? fields[0] === 'Z' : false // no /proc (macOS): trust the signal
}
