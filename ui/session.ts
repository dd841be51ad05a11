// The lab behind a browser page (`lab ui`): one scenario, brought up once and run from the page. A scenario that can
// run warm keeps a live lab of its own, rerun warm on every "run" (as `--watch` does on a save); one that cannot (its
// faults are timed from the programs' start, its hosts span networks) runs cold each time. Every run's events come
// from the run's one event stream (engine/model/events.ts), serialized as `--reporter events` writes them, and are
// kept, so that a page opened late, or reloaded, sees the whole story so far.
import { describeFault, faultText } from '../engine/model/describe.ts'
import type { RunEvent } from '../engine/model/events.ts'
import type { ScenarioResult } from '../engine/model/result.ts'
import type { Fault, Impl, Scenario } from '../engine/model/scenario.ts'
import { changeFaults, parseFaultWords } from '../engine/plan/live-faults.ts'
import { freeLabName, type LiveLab } from '../engine/plan/live-lab.ts'
import { randomSeed } from '../engine/plan/seeds.ts'
import { startLiveCapture } from '../engine/runtime/live-capture.ts'
import { downLiveLab, liveHosts, setLiveFaults, upLiveLab } from '../engine/runtime/live.ts'
import { runScenario } from '../engine/runtime/run.ts'
import { onInterrupt } from '../engine/runtime/teardown.ts'
import { runWarm, whyNotWarm } from '../engine/runtime/warm-start.ts'
import { eventLine } from '../reporters/events.ts'

/** What the page is told: the lab's picture, the run's state, and every run's events. */
export type PageMessage =
  | { kind: 'lab'; lab: LabPicture }
  | { kind: 'state'; running: boolean; runs: number; error?: string }
  | { kind: 'fault-changed'; ok: boolean; text: string }
  | Record<string, unknown>

export interface HostPicture {
  name: string
  role: 'server' | 'client' | 'router' | 'host'
  /** Its address on each network it is on, once known. */
  addresses: Record<string, string>
  /** The faults on it, in the scenario's words. */
  faults: string[]
  /** What its sidecar's faults counted in the last run (`loss`: the packets its loss rule dropped). */
  counters: Record<string, number>
}

export interface LabPicture {
  scenario: { id: string; title: string; teaches: string; deadlineMs: number }
  /** The live lab's name, or null for a scenario run cold each time. */
  lab: string | null
  /** Why it runs cold, when it does. */
  cold: string | null
  networks: string[]
  hosts: HostPicture[]
  /** Faults between two hosts (partitions). */
  links: { between: [string, string]; text: string }[]
  seed: number | null
}

/** At most this many messages are kept for a page that connects late; a run's packets are already bounded per host
 * (eventLine), and the oldest runs go first. */
const HISTORY_LIMIT = 50_000

function roleOf(scenario: Scenario, name: string): HostPicture['role'] {
  const spec = scenario.hosts[name]
  if (spec.router) return 'router'
  if (name === 'server' || scenario.expect[name]?.exit === 'running') return 'server'
  if (name === 'client' || typeof scenario.expect[name]?.exit === 'number') return 'client'
  return 'host'
}

export class UiSession {
  readonly scenario: Scenario
  readonly #options: { image: string; impl: Impl; submissions: Record<string, string>; seed?: number }
  readonly #listeners = new Set<(message: PageMessage) => void>()
  readonly #history: PageMessage[] = []
  readonly #cold: string | undefined
  #live: LiveLab | undefined
  #addresses: Record<string, Record<string, string>> = {}
  #counters: Record<string, Record<string, number>> = {}
  #running: Promise<ScenarioResult> | undefined
  #runs = 0
  #lastSeed: number | null = null
  #forget: (() => void) | undefined
  /** Whether the live lab is the page's own (else `lab up`'s, left up). */
  #owned = false
  #picture: PageMessage | undefined

  constructor(
    scenario: Scenario,
    options: { image: string; impl: Impl; submissions: Record<string, string>; seed?: number },
  ) {
    this.scenario = scenario
    this.#options = options
    this.#cold = whyNotWarm(scenario)
  }

  /** Brings the live lab up (a scenario that runs cold has none to bring up), or takes `adopted`, a live lab that
   * `lab up` brought up: the page runs in it, and leaves it up when it closes. */
  async up(adopted?: LiveLab): Promise<void> {
    if (this.#cold && !adopted) return this.#tell({ kind: 'lab', lab: this.picture() })
    const live =
      adopted ??
      (await upLiveLab(this.scenario, {
        name: await freeLabName(this.scenario.id),
        image: this.#options.image,
        impl: this.#options.impl,
        submissions: this.#options.submissions,
      }))
    this.#live = live
    this.#owned = adopted === undefined
    // Ctrl-C (lab.ts's signal handling) runs the registered teardowns: a lab of the page's own goes with its server.
    if (this.#owned) this.#forget = onInterrupt(() => downLiveLab(live), `lab ${live.name}`)
    for (const host of (await liveHosts(live, Object.keys(this.scenario.hosts))).values())
      if (host.address) this.#addresses[host.name] = { [this.networks()[0]]: host.address }
    this.#tell({ kind: 'lab', lab: this.picture() })
  }

  /** The faults in force: the live lab's (the scenario's, then what the page or `lab fault` changed), else the
   * scenario's. */
  #faults(): Fault[] {
    return this.#live?.faults ?? this.scenario.faults ?? []
  }

  get labName(): string | undefined {
    return this.#live?.name
  }

  networks(): string[] {
    return Object.keys(this.scenario.networks ?? {}).length ? Object.keys(this.scenario.networks!) : ['lab']
  }

  picture(): LabPicture {
    const { scenario } = this
    const faultsOn = (host: string) =>
      this.#faults()
        .filter((fault) => 'host' in fault && fault.host === host)
        .map(faultText)
    return {
      scenario: { id: scenario.id, title: scenario.title, teaches: scenario.teaches, deadlineMs: scenario.deadlineMs },
      lab: this.#live?.name ?? null,
      cold: this.#cold ?? null,
      networks: this.networks(),
      hosts: Object.keys(scenario.hosts).map((name) => ({
        name,
        role: roleOf(scenario, name),
        addresses: this.#addresses[name] ?? {},
        faults: faultsOn(name),
        counters: this.#counters[name] ?? {},
      })),
      links: this.#faults().flatMap((fault) =>
        fault.kind === 'partition' ? [{ between: fault.between, text: faultText(fault) }] : [],
      ),
      seed: this.#lastSeed,
    }
  }

  /** Hears every message from now on, after the ones so far. Returns how to stop hearing. */
  listen(listener: (message: PageMessage) => void): () => void {
    if (this.#picture) listener(this.#picture)
    for (const message of this.#history) listener(message)
    listener(this.#state())
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  get running(): boolean {
    return this.#running !== undefined
  }

  /** Runs the scenario once more (warm in its live lab, else cold); undefined when a run is under way. */
  run(): Promise<ScenarioResult> | undefined {
    if (this.#running) return undefined
    const seed = this.#options.seed ?? randomSeed()
    const packetsSeen = new Map<string, number>()
    const onEvent = (event: RunEvent) => {
      const line = eventLine(event, packetsSeen)
      if (line !== undefined) this.#tell(line as PageMessage)
    }
    const { image, impl, submissions } = this.#options
    const live = this.#live
    const running = (
      live
        ? this.#capturing(live, onEvent, (heard) =>
            // The faults the page set hold for its runs too (a warm run applies its scenario's afresh).
            runWarm(
              live,
              { ...this.scenario, faults: this.#faults() },
              {
                again: true,
                onEvent: (event) => {
                  onEvent(event)
                  heard(event)
                },
                seed,
              },
            ),
          )
        : runScenario(this.scenario, { image, impl, submissions, seed, onEvent, captureAll: true })
    ).then((result) => {
      for (const run of Object.values(result.run.hosts)) {
        const addresses = run.addresses ?? (run.address ? { [this.networks()[0]]: run.address } : undefined)
        if (addresses) this.#addresses[run.host] = addresses
        this.#counters[run.host] = run.faultCounters ?? {}
      }
      this.#lastSeed = result.seed ?? seed
      this.#tell({ kind: 'lab', lab: this.picture() })
      return result
    })
    this.#running = running
    this.#runs++
    this.#tell(this.#state())
    void running
      .catch((error: Error) => this.#tell({ ...this.#state(), error: error.message.split('\n')[0] }))
      .finally(() => {
        this.#running = undefined
        this.#tell(this.#state())
      })
    return running
  }

  /** Runs `run` while every host of the live lab is captured, each packet told as it is read (a packet the run
   * reports again once collected is the same packet: the page draws it once). */
  async #capturing<T>(
    live: LiveLab,
    onEvent: (event: RunEvent) => void,
    run: (heard: (event: RunEvent) => void) => Promise<T>,
  ): Promise<T> {
    const hosts = [...(await liveHosts(live, Object.keys(this.scenario.hosts))).values()].filter((h) => h.sidecar)
    // A packet read before the run started is told once it did; what a capture still reads once the run ended
    // (tcpdump flushes as it stops), the run told when it was collected.
    let state: 'before' | 'during' | 'after' = 'before'
    const early: RunEvent[] = []
    const heard = (event: RunEvent) => {
      if (event.kind === 'run-started') {
        state = 'during'
        for (const told of early.splice(0)) onEvent(told)
      } else if (event.kind === 'run-ended') state = 'after'
    }
    const captures = await Promise.all(
      hosts.map((host) =>
        startLiveCapture(host.sidecar!, (packet) => {
          const event: RunEvent = { kind: 'packet', runId: live.runId, host: host.name, packet }
          if (state === 'before') early.push(event)
          else if (state === 'during') onEvent(event)
        }),
      ),
    )
    try {
      await Promise.all(captures.map((capture) => capture.ready))
      return await run(heard)
    } finally {
      await Promise.all(captures.map((capture) => capture.stop()))
    }
  }

  /** Changes the live lab's faults, in `lab fault`'s words (`server loss 30`, `partition client server`, `clear`):
   * what the page's fault control sends. A bad value changes nothing and says why. */
  async fault(words: string[]): Promise<{ ok: boolean; text: string }> {
    const live = this.#live
    const told = (ok: boolean, text: string) => {
      this.#tell({ kind: 'fault-changed', ok, text })
      return { ok, text }
    }
    if (!live) return told(false, `${this.scenario.id} runs cold (${this.#cold}): it has no live lab to change`)
    const names = Object.keys(this.scenario.hosts)
    let faults: Fault[]
    try {
      faults = changeFaults(this.#faults(), parseFaultWords(words, names), names)
    } catch (error) {
      return told(false, (error as Error).message.split('\n')[0])
    }
    // As `lab fault` sets them, and recorded so: `lab ps -v` shows them, the next `lab fault` starts from them.
    this.#live = await setLiveFaults(live, names, faults)
    this.#tell({ kind: 'lab', lab: this.picture() })
    return told(true, faults.length ? `now: ${faults.map(describeFault).join('; ')}` : 'no fault now')
  }

  /** Takes the live lab down (after the run under way); the names of what could not be removed. */
  async close(): Promise<string[]> {
    await this.#running?.catch(() => undefined)
    this.#forget?.()
    const live = this.#live
    this.#live = undefined
    return live && this.#owned ? downLiveLab(live) : []
  }

  #state(): PageMessage {
    return { kind: 'state', running: this.#running !== undefined, runs: this.#runs }
  }

  #tell(message: PageMessage): void {
    // The lab's latest picture is kept apart: a flood of events never pushes it out of what a late page is sent.
    if (message.kind === 'lab') this.#picture = message
    else if (message.kind !== 'state') {
      this.#history.push(message)
      if (this.#history.length > HISTORY_LIMIT) this.#history.splice(0, this.#history.length - HISTORY_LIMIT)
    }
    for (const listener of this.#listeners) listener(message)
  }
}
