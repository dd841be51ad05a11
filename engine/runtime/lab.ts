// A lab that is up, cold (`up`, its programs started by Compose) or live (warm-start.ts `attach`, its programs
// started by exec): its hosts, each a program and the network sidecar in its namespace, which the run asks things
// of (lines, exits, files) instead of keeping a map of ids and a naming convention. One run (run.ts) serves both.
import { rm, writeFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { ARMED_MARK, CLEARED_MARK, START_MARK, parseEvent, type SidecarEvent } from '../../services/bin/protocol.ts'
import { composeText, labCompose, randomSubnet, withSubnet, type ComposeFile } from '../plan/compose.ts'
import { ROOT } from '../plan/layout.ts'
import type { HostPlan } from '../plan/hosts.ts'
import type { RunPlan } from '../plan/run-plan.ts'
import type { Problem } from '../model/observations.ts'
import type { HostSpec } from '../model/scenario.ts'
import type * as docker from './docker.ts'
import { containerEngine } from './engine.ts'
import { markRunLive } from './live-runs.ts'
import { isStopping, onInterrupt, tearDownLab } from './teardown.ts'

/** How long `docker compose up` may take before the run gives up on it. */
export const UP_DEADLINE_MS = 90_000

/** Docker's answers when no subnet is left in its pools, or when the one the lab picked is taken. */
const POOL_EXHAUSTED = /could not find an available, non-overlapping IPv4 address pool|Pool overlaps with other one/
const SUBNET_TRIES = 8
/** How long a signalled sidecar may take to print its report; past it, it is stopped like a capturing one. */
const SIDECAR_REPORT_MS = 3000
/** How long packets may still trail the programs' exit (the last FIN and ACK) before captures stop. */
export const TRAILING_PACKETS_MS = 300
/** How often a command's lines are looked at while a run waits for one. */
const POLL_MS = 2
/** How often a wait whose lines wake it (Running.arrived) looks at its deadline or abort. */
const STOP_POLL_MS = 20
/** How often a followed command's new lines are passed on (a person watching does not see 20 ms). */
const FOLLOW_POLL_MS = 20
/** A running program's output is whole once it has said nothing for QUIET_MS (at most OUTPUT_SETTLE_MS). */
const QUIET_MS = 60
const OUTPUT_SETTLE_MS = 500

/** One container of a lab, running or not. */
export class Container implements Process {
  readonly id: string
  constructor(id: string) {
    this.id = id
  }
  output(): Promise<docker.ContainerOutput> {
    return containerEngine().output(this.id)
  }
  /** Resolves true once it exited, false at the deadline or on abort. */
  async exited(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return (await containerEngine().waitForExit([this.id], timeoutMs, signal)).length === 0
  }
  /** When it printed a line that `matches` (epoch ms); undefined at the deadline, on abort, or once it ended. */
  line(matches: (text: string) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<number | undefined> {
    return containerEngine().waitForLine(this.id, matches, timeoutMs, signal)
  }
  signal(name: NodeJS.Signals): Promise<void> {
    return containerEngine().signal(this.id, name)
  }
  stop(graceSeconds: number): Promise<void> {
    return containerEngine().stop([this.id], graceSeconds)
  }
  readFile(file: string): Promise<Buffer | undefined> {
    return containerEngine().readFile(this.id, file)
  }
  follow(onLine: (stream: 'stdout' | 'stderr', line: docker.TimedLine) => void, signal: AbortSignal): Promise<void> {
    return containerEngine().follow(this.id, onLine, signal)
  }
}

/** Something a run waits on and reads: a program container, a program started with `docker exec` in a live lab,
 * a sidecar, or one of its control commands. */
export interface Process {
  /** When it printed a line that `matches` (epoch ms); undefined at the deadline, on abort, or once it ended. */
  line(matches: (text: string) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<number | undefined>
  /** Resolves true once it exited, false at the deadline or on abort. */
  exited(timeoutMs: number, signal?: AbortSignal): Promise<boolean>
  output(): Promise<docker.ContainerOutput>
  /** Each whole line it prints, as it prints it (from its first), until `signal` aborts or it ends. */
  follow(onLine: (stream: 'stdout' | 'stderr', line: docker.TimedLine) => void, signal: AbortSignal): Promise<void>
}

/** When a sidecar event that `matches` came (epoch ms), read from a process's lines as `line`. */
export function eventOf(
  process: Process,
  matches: (event: SidecarEvent) => boolean,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<number | undefined> {
  return process.line(
    (text) => {
      const event = parseEvent(text)
      return event !== undefined && matches(event)
    },
    timeoutMs,
    signal,
  )
}

/** A command started in a container (`docker exec`, a control command over the sidecar's socket), as a Process. */
export class ExecProcess implements Process {
  readonly running: docker.Running
  readonly #address?: string
  /** Set once it ended. */
  end?: { code: number | null; at: number }
  constructor(running: docker.Running, address?: string) {
    this.running = running
    this.#address = address
    void running.ended.then((code) => (this.end ??= { code, at: Date.now() }))
  }
  async line(matches: (text: string) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<number | undefined> {
    const deadline = performance.now() + timeoutMs
    let at: number | undefined
    await this.#scan(
      (_stream, line) => matches(line.text) && ((at = line.at), true),
      () => signal?.aborted === true || performance.now() >= deadline,
      POLL_MS,
    )
    return at
  }
  async exited(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.end) return true
    const stop = AbortSignal.any([AbortSignal.timeout(Math.max(0, Math.round(timeoutMs))), ...(signal ? [signal] : [])])
    const stopped = new Promise<false>((resolve) =>
      stop.addEventListener('abort', () => resolve(false), { once: true }),
    )
    return Promise.race([this.running.ended.then(() => true), stopped])
  }
  /** Its output so far: a program that runs on (a server) is read once it has been quiet a moment, as a cold run
   * reads a server once the lab stopped (the line it prints just after its client ended is in it). */
  async output(): Promise<docker.ContainerOutput> {
    if (!this.end) await this.#quiet()
    const { end } = this
    const stderr = this.running.stderr.filter(
      (line) => !line.text.startsWith(CLEARED_MARK) && !line.text.startsWith(ARMED_MARK),
    )
    return {
      address: this.#address,
      // An entry point that never printed its start mark started no program, unless it ended.
      started: end !== undefined || stderr.some((line) => line.text.startsWith(START_MARK)),
      exitCode: end ? end.code : null,
      finishedAt: end ? end.at : null,
      stdout: this.running.stdout,
      stderr,
    }
  }
  async follow(
    onLine: (stream: 'stdout' | 'stderr', line: docker.TimedLine) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const aborted = new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
    await this.#scan(
      (stream, line) => void onLine(stream, line),
      () => signal.aborted,
      FOLLOW_POLL_MS,
      aborted,
    )
  }
  /** Passes on each new line of both streams, every `pollMs` (or on `wake`), until `onLine` says it found what it
   * looked for, `stop` says so, or the command ended. */
  async #scan(
    onLine: (stream: 'stdout' | 'stderr', line: docker.TimedLine) => boolean | void,
    stop: () => boolean,
    pollMs: number,
    wake?: Promise<unknown>,
  ): Promise<void> {
    const seen = { stdout: 0, stderr: 0 }
    for (;;) {
      // Its last lines are in before it counts as ended (exec.ts): read them once more after that.
      const ended = this.end !== undefined
      for (const stream of ['stdout', 'stderr'] as const) {
        const lines = this.running[stream]
        for (; seen[stream] < lines.length; seen[stream]++) if (onLine(stream, lines[seen[stream]])) return
      }
      if (ended || stop()) return
      // Lines wake it as they come; the clock only for `stop` (a deadline, an abort), which needs no 2 ms.
      const arrived = this.running.arrived?.()
      const clock = new AbortController()
      await Promise.race([
        this.running.ended,
        sleep(arrived ? Math.max(pollMs, STOP_POLL_MS) : pollMs, undefined, { signal: clock.signal }).catch(
          () => undefined,
        ),
        ...(arrived ? [arrived] : []),
        ...(wake ? [wake] : []),
      ])
      clock.abort()
    }
  }
  release(): void {
    this.running.release()
  }
  async #quiet(): Promise<void> {
    const lines = () => this.running.stdout.length + this.running.stderr.length
    const until = Date.now() + OUTPUT_SETTLE_MS
    for (let seen = lines(); Date.now() < until; seen = lines()) {
      if (await Promise.race([this.running.ended.then(() => true), sleep(QUIET_MS, false)])) return
      if (lines() === seen) return
    }
  }
}

export interface LabHost {
  name: string
  spec: HostSpec
  /** What the plan decided for it (hosts.ts): read, never worked out again. */
  plan: HostPlan
  /** Absent when the lab stopped coming up before it was created, for a router that only routes (its sidecar
   * holds its namespace: engine/plan/compose.ts routesOnly), and in a live lab until its run starts it. */
  program?: Process
  /** The container its program runs in, when that is the lab's own image (not a foreign image's): where the
   * run's watchers are exec'd (stalls.ts). */
  programContainer?: string
  /** Absent for a host that runs inside another's namespace (`inside`), or that was never created. */
  sidecar?: Container
  /** Where its sidecar's events come from: the sidecar's own output in a cold lab, its `announce` in a live one. */
  events?: Process
  /** For an `image` or `build` host: the lab-run that waited for the lab before its program started (host-kinds.ts). */
  gate?: Container
}

/** What a host's sidecar handed over once the run was over: its event lines, and its capture. */
export interface Handover {
  lines: string[]
  /** When each line came (epoch ms), where the sidecar's output says: a cold lab's. */
  times?: number[]
  /** Why the sidecar failed, when it exited without its report. */
  failed?: string
  pcap?: Buffer
}

/** How a lab's programs start and how its sidecars hand over: a cold lab's started with `compose up` and its
 * sidecars report as they stop; a live lab's start by exec or armed (warm-start.ts) and report on request. */
export interface Starter {
  start(lab: Lab): Promise<void>
  /** The programs are done (or past their deadline). */
  stop(lab: Lab): Promise<void>
  handover(lab: Lab, host: LabHost): Promise<Handover | undefined>
}

export class Lab implements AsyncDisposable {
  readonly plan: RunPlan
  readonly hosts: LabHost[]
  /** What went wrong bringing it up. */
  readonly problems: Problem[]
  readonly starter: Starter
  readonly #down: () => Promise<string[]>

  constructor(plan: RunPlan, hosts: LabHost[], problems: Problem[], starter: Starter, down: () => Promise<string[]>) {
    this.plan = plan
    this.hosts = hosts
    this.problems = problems
    this.starter = starter
    this.#down = down
  }

  host(name: string): LabHost | undefined {
    return this.hosts.find((host) => host.name === name)
  }

  /** Removes everything of a cold lab, its folder included (a live lab stays up); returns what could not be
   * removed, in words. Once only. */
  down(): Promise<string[]> {
    return this.#down()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.down()
  }
}

/** A cold lab's programs started with its containers; its sidecars report when signalled, and flush captures. */
const COLD: Starter = {
  async start() {},
  async stop(lab) {
    const capturing = lab.hosts.some((host) => host.plan.captures)
    if (lab.plan.scenario.faults?.length || capturing) await sleep(TRAILING_PACKETS_MS)
    // Only a capture needs its sidecar to have exited (tcpdump then has written the whole pcap); the others are
    // read as soon as they have printed, and left to the teardown.
    await Promise.all(
      lab.hosts.map(async ({ plan, sidecar }) => {
        if (!sidecar) return
        if (!plan.captures) {
          await sidecar.signal('SIGTERM')
          if (await eventOf(sidecar, (event) => event.kind === 'counters', SIDECAR_REPORT_MS)) return
        }
        await sidecar.stop(3)
      }),
    )
  },
  async handover(lab, host) {
    if (!host.sidecar) return undefined
    const output = await host.sidecar.output()
    const lines = output.stdout.map((line) => line.text)
    const times = output.stdout.map((line) => line.at)
    const reported = lines.some((line) => parseEvent(line)?.kind === 'counters')
    const failed =
      output.exitCode !== null && output.exitCode !== 0 && !reported
        ? (output.stderr.at(-1)?.text ?? `exit code ${output.exitCode}`)
        : undefined
    const pcap = host.plan.captures ? await host.sidecar.readFile(`/capture/${host.name}.pcap`) : undefined
    return { lines, times, failed, pcap }
  },
}

/** Owns a run's resources from the moment its folder exists: `down()` removes whatever of it was created, on every
 * path, and an interruption (SIGINT, SIGTERM) runs it too. Call before anything else of the run can fail. */
export async function own(plan: RunPlan): Promise<{ down: () => Promise<string[]>; release: () => void }> {
  let tornDown: Promise<string[]> | undefined // an interruption and the normal path may both ask
  // Registered before the first await.
  const marked = markRunLive(plan.runId)
  const down = () =>
    (tornDown ??= (async () => {
      const left = await tearDownLab({ project: plan.project, runId: plan.runId, file: plan.composeFile })
      await rm(plan.workDir, { recursive: true, force: true })
      await (
        await marked.catch(() => undefined)
      )?.()
      return left
    })())
  const forget = onInterrupt(down, `lab ${plan.project}`)
  // The process is stopping (a crash, a signal) and has undone this run already: it goes no further.
  if (isStopping()) await new Promise<never>(() => undefined)
  await marked
  return { down, release: forget }
}

/** Writes the run's compose file and brings it up; what did not come up is in `lab.problems`. `shape` changes the
 * compose file first (a live lab's, engine/plan/live-lab.ts). */
export async function up(
  plan: RunPlan,
  down: () => Promise<string[]>,
  shape: (compose: ComposeFile) => ComposeFile = (c) => c,
): Promise<Lab> {
  let compose = shape(labCompose(plan.scenario, plan))
  await writeFile(plan.composeFile, composeText(compose))
  const problems: Problem[] = []
  for (let attempt = 1; ; attempt++) {
    try {
      await containerEngine().up(plan.project, plan.composeFile, ROOT, UP_DEADLINE_MS)
      break
    } catch (error) {
      const message = (error as Error).message
      // Docker's own address pools are used up (a class of labs at once): the lab picks a subnet itself; another
      // lab may take the same one first, hence a few tries.
      if (POOL_EXHAUSTED.test(message) && attempt <= SUBNET_TRIES) {
        // A lab of several networks draws all its subnets again (one subnet for all would join them).
        compose = plan.scenario.networks ? shape(labCompose(plan.scenario, plan)) : withSubnet(compose, randomSubnet())
        await writeFile(plan.composeFile, composeText(compose))
        continue
      }
      problems.push({ kind: 'lab-up', text: `the lab did not come up: ${message}` })
      break
    }
  }
  const ids = await containerEngine().containers(plan.project)
  const container = (service?: string) =>
    service !== undefined && ids.has(service) ? new Container(ids.get(service)!) : undefined
  const hosts = plan.hosts.map((host) => ({
    name: host.name,
    spec: host.spec,
    plan: host,
    program: container(host.services.program),
    programContainer: host.services.gate ? undefined : container(host.services.program)?.id,
    sidecar: container(host.services.sidecar),
    events: container(host.services.sidecar),
    gate: container(host.services.gate),
  }))
  return new Lab(plan, hosts, problems, COLD, down)
}
