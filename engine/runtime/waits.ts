// Named waits on a lab host, each with a deadline and a typed outcome, composed instead of written inline
// (testcontainers' WaitStrategy is the model): until a host listens, until its program printed a line, until it
// exited, all of several, and the first of several.
import { setTimeout as sleep } from 'node:timers/promises'
import { formatMs } from '../model/describe.ts'
import type { ProblemKind } from '../model/observations.ts'
import { eventOf, type LabHost, type Process } from './lab.ts'

export type WaitOutcome =
  | { ok: true; at: number }
  /** `deadline`: the time ran out; `ended`: what was waited for can no longer happen (the program exited).
   * `problem`: what kind of problem of the run it is, for the waits that say. */
  | { ok: false; reason: 'deadline' | 'ended' | 'aborted'; message: string; problem?: ProblemKind }

export interface WaitStrategy {
  readonly description: string
  withDeadline(ms: number): WaitStrategy
  waitUntilReady(host: LabHost, signal?: AbortSignal): Promise<WaitOutcome>
}

abstract class BaseWait implements WaitStrategy {
  abstract readonly description: string
  protected deadlineMs = 20_000
  withDeadline(ms: number): this {
    this.deadlineMs = ms
    return this
  }
  abstract waitUntilReady(host: LabHost, signal?: AbortSignal): Promise<WaitOutcome>
}

const missing = (host: LabHost, what: string): WaitOutcome => ({
  ok: false,
  reason: 'ended',
  message: `${host.name} has no ${what} container`,
  problem: 'lab-up',
})

/** A line on the program's output (or its sidecar's) that starts with `prefix`. */
class LogLineWait extends BaseWait {
  readonly prefix: string
  readonly of: 'program' | 'sidecar' | 'gate'
  constructor(prefix: string, of: 'program' | 'sidecar' | 'gate') {
    super()
    this.prefix = prefix
    this.of = of
  }
  get description() {
    return `${this.of} printed "${this.prefix}"`
  }
  async waitUntilReady(host: LabHost, signal?: AbortSignal): Promise<WaitOutcome> {
    const container: Process | undefined = host[this.of]
    if (!container) return missing(host, this.of)
    const started = performance.now()
    const at = await container.line((text) => text.startsWith(this.prefix), this.deadlineMs, signal)
    if (at !== undefined) return { ok: true, at }
    if (signal?.aborted) return { ok: false, reason: 'aborted', message: `stopped waiting for ${host.name}` }
    const late = performance.now() - started >= this.deadlineMs - 5
    return late
      ? {
          ok: false,
          reason: 'deadline',
          message: `${host.name}: no "${this.prefix}" after ${formatMs(performance.now() - started)}`,
        }
      : { ok: false, reason: 'ended', message: `${host.name} ended without printing "${this.prefix}"` }
  }
}

/** The program exited. */
class ExitWait extends BaseWait {
  readonly description = 'program exited'
  async waitUntilReady(host: LabHost, signal?: AbortSignal): Promise<WaitOutcome> {
    if (!host.program) return missing(host, 'program')
    if (await host.program.exited(this.deadlineMs, signal)) return { ok: true, at: Date.now() }
    return {
      ok: false,
      reason: signal?.aborted ? 'aborted' : 'deadline',
      message: `${host.name} was still running after ${formatMs(this.deadlineMs)}`,
    }
  }
}

/** The host's sidecar saw its program listen on `port` (TCP or UDP); fails as soon as the program exits first. */
class ListeningWait extends BaseWait {
  readonly port: number
  constructor(port: number) {
    super()
    this.port = port
  }
  get description() {
    return `listening on port ${this.port}`
  }
  async waitUntilReady(host: LabHost, outer?: AbortSignal): Promise<WaitOutcome> {
    const { program, events } = host
    if (!program || !events) return missing(host, program ? 'sidecar' : 'program')
    const done = new AbortController()
    const signal = outer ? AbortSignal.any([outer, done.signal]) : done.signal
    const started = performance.now()
    try {
      const opened = eventOf(
        events,
        (event) => event.kind === 'port-open' && event.port === this.port,
        this.deadlineMs,
        signal,
      )
      const exited = program.exited(this.deadlineMs, signal)
      // The sidecar says so when the program listens on other ports only: a wrong port fails in seconds, not at the deadline.
      let elsewhere: string[] = []
      const wrongPort = eventOf(
        events,
        (event) => event.kind === 'port-elsewhere' && event.port === this.port && ((elsewhere = event.sockets), true),
        this.deadlineMs,
        signal,
      )
      const first = await Promise.race([
        opened.then((at) => ({ open: at })),
        exited.then((gone) => ({ gone })),
        wrongPort.then((at) => (at === undefined ? new Promise<never>(() => {}) : { elsewhere: at })),
      ])
      if ('open' in first && first.open !== undefined) return { ok: true, at: first.open }
      if ('elsewhere' in first)
        return {
          ok: false,
          reason: 'ended',
          message: `${host.name} listens on ${elsewhere.join(', ')}, not on port ${this.port}`,
          problem: 'wrong-port',
        }
      if ('gone' in first && first.gone) {
        // It may have opened the port just before it exited: its sidecar looks every 20 ms.
        const late = await Promise.race([opened, sleep(250).then(() => undefined)])
        if (late !== undefined) return { ok: true, at: late }
        return {
          ok: false,
          reason: 'ended',
          message: `${host.name} exited before it listened on port ${this.port}`,
          problem: 'exited-early',
        }
      }
      return {
        ok: false,
        reason: 'deadline',
        message: `${host.name} was not listening on port ${this.port} after ${formatMs(performance.now() - started)}`,
        problem: 'not-listening',
      }
    } finally {
      done.abort()
    }
  }
}

/** Several waits on the same host, each with its own deadline, combined (forAll, forFirst). */
abstract class CompositeWait extends BaseWait {
  readonly waits: WaitStrategy[]
  protected abstract readonly joiner: string
  constructor(waits: WaitStrategy[]) {
    super()
    this.waits = waits
  }
  /** Each wait's own deadline. */
  override withDeadline(ms: number): this {
    for (const wait of this.waits) wait.withDeadline(ms)
    return this
  }
  get description() {
    return this.waits.map((wait) => wait.description).join(this.joiner)
  }
}

/** Every one of several waits, on the same host, at once: ok once all are (at the last one's time); the first
 * that fails ends the others and is the outcome. */
class AllWait extends CompositeWait {
  protected readonly joiner = ' and '
  async waitUntilReady(host: LabHost, outer?: AbortSignal): Promise<WaitOutcome> {
    const done = new AbortController()
    const signal = outer ? AbortSignal.any([outer, done.signal]) : done.signal
    try {
      const outcomes = await Promise.all(
        this.waits.map(async (wait) => {
          const outcome = await wait.waitUntilReady(host, signal)
          if (!outcome.ok) done.abort()
          return outcome
        }),
      )
      return (
        outcomes.find((outcome) => !outcome.ok && outcome.reason !== 'aborted') ??
        outcomes.find((outcome) => !outcome.ok) ?? {
          ok: true,
          at: Math.max(...outcomes.map((outcome) => (outcome.ok ? outcome.at : 0))),
        }
      )
    } finally {
      done.abort()
    }
  }
}

/** The first of several waits to be ready; the others are ended. Fails only once every one failed (with the
 * first failure's outcome). */
class FirstWait extends CompositeWait {
  protected readonly joiner = ' or '
  async waitUntilReady(host: LabHost, outer?: AbortSignal): Promise<WaitOutcome> {
    const done = new AbortController()
    const signal = outer ? AbortSignal.any([outer, done.signal]) : done.signal
    try {
      const failures: WaitOutcome[] = []
      return await new Promise<WaitOutcome>((resolve) => {
        for (const wait of this.waits) {
          void wait.waitUntilReady(host, signal).then((outcome) => {
            if (outcome.ok) return resolve(outcome)
            failures.push(outcome)
            if (failures.length === this.waits.length) resolve(failures[0])
          })
        }
      })
    } finally {
      done.abort()
    }
  }
}

export const Wait = {
  forLogLine: (prefix: string, of: 'program' | 'sidecar' | 'gate' = 'program') => new LogLineWait(prefix, of),
  forExit: () => new ExitWait(),
  forListening: (port: number) => new ListeningWait(port),
  forAll: (...waits: WaitStrategy[]) => new AllWait(waits),
  forFirst: (...waits: WaitStrategy[]) => new FirstWait(waits),
}
