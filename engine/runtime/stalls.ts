// Verdicts as soon as the outcome is known. Each host's programs are watched by services/bin/lab-stall.py (exec'd
// as the programs' own user once its program started): it says whether every task waits in a call that only
// something arriving can end (recv, accept, poll with no timeout, a stopped task), the earliest a timeout could
// end one (`wake`), and since when nothing was queued in a socket nor crossed an interface (`quiet`). When every
// host that has started waits, no timeout can fire before the run's deadline, and the lab has been quiet for
// STALL_QUIET_MS (plus what a delay fault may hold), waiting on cannot change the outcome: the run stops there and
// is judged, with that as its evidence. A scenario whose programs have their own timers (settimeout(5), the
// router-down client's 1 s) keeps them: a timer before the deadline is a `wake` before it.
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { formatMs } from '../model/describe.ts'
import type { Fault } from '../model/scenario.ts'
import { containerEngine } from './engine.ts'
import type { Lab, LabHost } from './lab.ts'
import { START_MARK } from '../../services/bin/protocol.ts'

export const STALL_PREFIX = 'lab-stall '

/** How long every program must have waited, with nothing on the wire, before the run is judged. */
export const STALL_QUIET_MS = 2000

export interface StallReport {
  state: 'busy' | 'waiting' | 'gone'
  /** The earliest a timeout could end a wait (epoch ms); null when no wait has one. */
  wake: number | null
  /** Since when (epoch ms) nothing crossed the host's interfaces and it was not busy. */
  quiet: number
  /** The calls its tasks wait in. */
  waits: string[]
  at: number
}

const STATES = new Set(['busy', 'waiting', 'gone'])
const CALL = /^[a-z0-9_]{1,24}$/

/** A watcher's line, or undefined for anything else: it runs where the program can reach it, so nothing of it is
 * taken on trust but its shape (a forged line can only end its own run early, or not). */
export function parseStall(text: string): StallReport | undefined {
  if (!text.startsWith(STALL_PREFIX) || text.length > 1024) return undefined
  let value: unknown
  try {
    value = JSON.parse(text.slice(STALL_PREFIX.length))
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const { state, wake, quiet, waits, at } = value as Record<string, unknown>
  const time = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n)
  if (typeof state !== 'string' || !STATES.has(state) || !(wake === null || time(wake)) || !time(quiet) || !time(at))
    return undefined
  if (!Array.isArray(waits) || waits.length > 32 || !waits.every((call) => typeof call === 'string' && CALL.test(call)))
    return undefined
  return { state: state as StallReport['state'], wake, quiet, waits: waits as string[], at }
}

/** How long a fault may hold a packet on its way (a delay, a rate's queue): quiet for less proves nothing. */
export function heldMs(faults: readonly Fault[] = []): number {
  return Math.max(
    0,
    ...faults.map((fault) => {
      if (fault.kind === 'delay') return fault.ms + 4 * (fault.jitterMs ?? 0)
      if (fault.kind === 'rate') return 5000
      return 0
    }),
  )
}

export interface Stall {
  /** Since when (epoch ms) every host waited with nothing on the wire. */
  since: number
  /** What each host waited in. */
  waits: Record<string, string[]>
}

/** Whether the run can no longer change before `until` (epoch ms): every one of `hosts` reported, waits or is
 * gone, has no timeout before `until`, and every watcher saw the quiet of all last `quietMs`. Each report's own
 * time counts, not this process's: a watcher slowed by a busy machine proves only what it saw. */
export function stalled(
  reports: ReadonlyMap<string, StallReport>,
  hosts: readonly string[],
  until: number,
  quietMs = STALL_QUIET_MS,
): Stall | undefined {
  if (!hosts.length) return undefined
  const waits: Record<string, string[]> = {}
  let since = 0
  let seen = Infinity
  for (const host of hosts) {
    const report = reports.get(host)
    if (!report || report.state === 'busy') return undefined
    if (report.wake !== null && report.wake <= until) return undefined
    since = Math.max(since, report.quiet)
    // A host whose programs are gone stays so: its last look holds for as long as the others look.
    if (report.state === 'waiting') seen = Math.min(seen, report.at)
    waits[host] = report.state === 'gone' ? [] : report.waits
  }
  return seen !== Infinity && seen - since >= quietMs ? { since, waits } : undefined
}

/** The evidence, in words. */
export function stallText(stall: Stall, deadlineMs: number, at: number): string {
  const who = Object.entries(stall.waits).map(([host, calls]) =>
    calls.length ? `${host} in ${calls.join(', ')}` : `${host} (ended)`,
  )
  return (
    `every program waited for ${formatMs(at - stall.since)} with nothing queued and nothing on the wire ` +
    `(${who.join('; ')}): nothing could change before the ${deadlineMs / 1000} s deadline, so the run stopped there`
  )
}

/** How often the watchers' reports are weighed. */
const LOOK_MS = 100

/** How long a host's program runs before it is watched: a run that ends sooner (a correct one, mostly) pays for no
 * watcher at all, and a stalled one is judged this much later. */
export const WATCH_AFTER_MS = 1000

/** How long a host whose watcher ended is given to show that its program had ended too. */
const GONE_WAIT_MS = 1000

/** Watches a lab's hosts until `signal` aborts; resolves with the stall, or undefined when it cannot tell (a host
 * that is not the lab's image, a watcher that could not start) or was stopped first. `until` gives the run's
 * deadline once known (epoch ms). */
export async function watchStalls(
  lab: Lab,
  until: () => number | undefined,
  signal: AbortSignal,
): Promise<Stall | undefined> {
  const watched = lab.hosts.filter((host) => host.program)
  // A foreign image's programs are not the lab's to read: nothing is proven about them.
  if (!watched.length || watched.some((host) => host.gate || !host.programContainer)) return undefined
  if (!(await sourcesReadable(Object.values(lab.plan.submissions).map((staged) => staged.dir)))) return undefined
  const reports = new Map<string, StallReport>()
  const quietMs = STALL_QUIET_MS + heldMs(lab.plan.scenario.faults)
  const lifetimeS = Math.ceil(lab.plan.scenario.deadlineMs / 1000) + 60
  // The watchers end with the watch: once a stall is found, as once the run ended without one.
  const done = new AbortController()
  const watching = AbortSignal.any([signal, done.signal])
  const watchers = watched.map((host) => watch(host, lifetimeS, reports, watching))
  try {
    while (!signal.aborted) {
      // Woken by the end of the run too: a run that ended waits for no look.
      await sleep(LOOK_MS, undefined, { signal }).catch(() => undefined)
      if (signal.aborted) break
      const deadline = until()
      if (deadline === undefined) continue
      const stall = stalled(
        reports,
        watched.map((host) => host.name),
        deadline,
        quietMs,
      )
      if (stall) return stall
    }
    return undefined
  } finally {
    done.abort()
    await Promise.allSettled(watchers)
  }
}

/** A socket's own receive timeout (SO_RCVTIMEO) makes a recv end by itself, and a watcher in Docker's default
 * seccomp profile cannot read it (lab-stall.py): a submission that sets one, or that is not text (a compiled
 * program, which might), is never judged early. */
const OWN_TIMEOUT = /SO_(RCV|SND)TIMEO/
const SOURCE_FILES = 200
const SOURCE_BYTES = 4 << 20

export async function sourcesReadable(dirs: readonly string[]): Promise<boolean> {
  let files = 0
  let bytes = 0
  const readable = async (dir: string): Promise<boolean> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name)
      if (entry.isDirectory()) {
        if (!(await readable(file))) return false
        continue
      }
      if (!entry.isFile()) continue // staging copies regular files only
      if (++files > SOURCE_FILES) return false
      const content = await readFile(file)
      bytes += content.length
      if (bytes > SOURCE_BYTES || content.subarray(0, 8192).includes(0)) return false
      if (OWN_TIMEOUT.test(content.toString('latin1'))) return false
    }
    return true
  }
  try {
    for (const dir of dirs) if (!(await readable(dir))) return false
    return true
  } catch {
    return false
  }
}

/** One host's watcher, from its program's start; its reports go to `reports` as they come. */
async function watch(
  host: LabHost,
  lifetimeS: number,
  reports: Map<string, StallReport>,
  signal: AbortSignal,
): Promise<void> {
  const started = await host.program!.line((text) => text.startsWith(START_MARK), lifetimeS * 1000, signal)
  if (started === undefined || signal.aborted) return
  await sleep(Math.max(0, started + WATCH_AFTER_MS - Date.now()), undefined, { signal }).catch(() => undefined)
  if (signal.aborted) return
  const running = await containerEngine()
    .exec(host.programContainer!, ['python3', '/usr/local/bin/lab-stall.py', String(lifetimeS)], { user: 'lab' })
    .catch(() => undefined)
  if (!running) return
  let read = 0
  let gone: StallReport | undefined
  const take = () => {
    for (; read < running.stdout.length; read++) {
      const report = parseStall(running.stdout[read].text)
      // That its programs are gone is the watcher's word, in the program's reach: the program's own end proves it.
      if (report?.state === 'gone') gone = report
      else if (report) reports.set(host.name, report)
    }
  }
  const stop = () => running.release()
  if (signal.aborted) return stop() // the watch ended while the exec started
  signal.addEventListener('abort', stop, { once: true })
  const poll = setInterval(take, LOOK_MS / 2)
  try {
    // A program that ended before its watcher saw it (in a pooled lab, whose container stays) ends the watch too.
    const ended = host.program!.exited(lifetimeS * 1000, signal)
    await Promise.race([running.ended, ended])
    take()
    if (signal.aborted) return
    stop()
    // It said its programs were gone, or ended before saying so (a submitted program's limiter ends every process
    // of the host's user once the program exited, lab-limit.ts, the watcher with them; a container that ends takes
    // its execs along), or the program ended: none of it proves anything until the program itself ended.
    const at = Date.now()
    if (await host.program!.exited(GONE_WAIT_MS, signal)) {
      reports.set(host.name, gone ?? { state: 'gone', wake: null, quiet: at, waits: [], at })
    } else reports.delete(host.name)
  } finally {
    clearInterval(poll)
    signal.removeEventListener('abort', stop)
  }
}
