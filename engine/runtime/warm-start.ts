// How a live lab's programs start (`--watch`, `lab run --in`, `lab up --start`): by `docker exec` in the idle
// program containers, or armed, after every host is put back as a cold lab finds it (the last run's programs
// ended, faults, counters, conntrack and the listening flag reset by its sidecar, services/bin/control.ts). The run
// itself is run.ts's, as a cold one's: its verdict is a cold run's. No container starts or stops.
import { randomBytes } from 'node:crypto'
import { EXIT, LabError } from '../model/errors.ts'
import type { ScenarioResult } from '../model/result.ts'
import type { Scenario } from '../model/scenario.ts'
import type { EventSink } from '../model/events.ts'
import { labCompose } from '../plan/compose.ts'
import { netPlans } from '../plan/faults.ts'
import { planOfLiveLab, type LiveLab } from '../plan/live-lab.ts'
import { randomSeed } from '../plan/seeds.ts'
import { stageSubmissions, type RunPlan } from '../plan/run-plan.ts'
import {
  ARMED_MARK,
  CLEARED_MARK,
  armFifo,
  formatControl,
  goFlag,
  onDemandCapture,
} from '../../services/bin/protocol.ts'
import type * as docker from './docker.ts'
import { containerEngine, execToEnd } from './engine.ts'
import { Container, ExecProcess, Lab, TRAILING_PACKETS_MS, type Handover, type LabHost, type Starter } from './lab.ts'
import { liveHosts, sidecarCommand, sidecarControl, type LiveHost } from './live.ts'
import { runLab, verdict } from './run.ts'
import { readSidecarReport } from './sidecar-report.ts'

/** The warm run's capture, by the sidecar's capture verb (its caps, its tcpdump): its id tells it apart from a
 * person's `lab capture`, which goes on. */
const WARM_CAPTURE = 'warm'
/** lab-clear ends the last run's processes and waits at most a second for them to be gone. */
const CLEAR_DEADLINE_MS = 5000
/** An armed entry point says so within this, or the run starts its own. */
const ARMED_DEADLINE_MS = 5000

/** Why a scenario cannot run in a warm lab, when it cannot: what lab-ctl cannot set up at run time. */
export function whyNotWarm(scenario: Scenario): string | undefined {
  // A warm run captures eth0 alone, and the checks that follow a packet through a router need every network's
  // interface as lab-net.ts reports it at start: nat and routed were judged differently warm (test/warm-cold.test.ts).
  if (Object.keys(scenario.networks ?? {}).length > 1)
    return 'its hosts on several networks are captured and judged as a cold run does only: run it cold'
  // Which faults a plan has does not depend on the seed its draws come from.
  for (const [host, plan] of Object.entries(netPlans(scenario, { seed: 0 }))) {
    if (plan.impair)
      return `its impairments on ${host} (delay, reorder, duplicate, corrupt, burst loss) start with the sidecar: run it cold`
    if (plan.timed?.some((event) => event.atMs > 0 || event.untilMs !== undefined))
      return `its partition on ${host} is timed from the programs' start: run it cold`
  }
  return undefined
}

/** Runs a scenario in a live lab and judges it as a cold run would. `again`: this process runs the lab again (a
 * watch): the next run's entry points start armed while this one is judged. `seed`: what its random faults draw
 * from, applied afresh by every host's `fresh` (a run given none draws its own, as a cold run does). */
export async function runWarm(
  live: LiveLab,
  scenario: Scenario,
  options: { again?: boolean; onEvent?: EventSink; seed?: number } = {},
): Promise<ScenarioResult> {
  const startedAt = performance.now()
  const plan = planOfLiveLab(live, scenario, options.seed ?? randomSeed())
  const blocker = whyNotWarm(scenario)
  if (blocker)
    return verdict(
      plan,
      { hosts: {}, problems: [], skipped: `cannot run warm: ${blocker}` },
      live.submissions,
      0,
      options.onEvent,
    )
  const hosts = await liveHosts(live, Object.keys(scenario.hosts))
  const missing = Object.keys(scenario.hosts).filter((name) => !hosts.has(name))
  if (missing.length)
    return verdict(
      plan,
      { hosts: {}, problems: [{ kind: 'lab-up', text: `lab ${live.name} has no host ${missing.join(', ')}` }] },
      live.submissions,
      0,
      options.onEvent,
    )
  await using lab = attach(plan, hosts, live.submissions, options.again === true)
  const run = await runLab(lab, options.onEvent)
  return verdict(plan, run, live.submissions, performance.now() - startedAt, options.onEvent)
}

/** A live lab as a Lab: its programs start when the run starts them; `down` lets go of what the run followed
 * (the lab stays up). */
export function attach(
  plan: RunPlan,
  live: Map<string, LiveHost>,
  submissions: Record<string, string>,
  again: boolean,
): Lab {
  const hosts: LabHost[] = plan.hosts
    .filter((host) => live.has(host.name))
    .map((host) => ({
      name: host.name,
      spec: host.spec,
      plan: host,
      programContainer: live.get(host.name)!.program,
      sidecar: live.get(host.name)!.sidecar ? new Container(live.get(host.name)!.sidecar!) : undefined,
    }))
  const starter = new WarmStarter(live, submissions, again)
  return new Lab(plan, hosts, [], starter, async () => (starter.release(), []))
}

/** A host's entry point: lab-run, the program's command, and its environment but the run's token. */
interface Entry {
  command: string[]
  env: Record<string, string>
}

/** The next run's entry points, started armed while the last run was judged, by project and host. One is used
 * when the next run gives its host the same entry; any other is let go of, and ends at the next run's clear. */
const armed = new Map<string, { entry: string; running: Promise<docker.Running | undefined>; ended?: boolean }>()

class WarmStarter implements Starter {
  readonly live: Map<string, LiveHost>
  readonly submissions: Record<string, string>
  readonly again: boolean
  readonly entries = new Map<string, Entry>()
  readonly followed: ExecProcess[] = []
  /** The hosts whose sidecar captures this run. */
  readonly captures = new Set<string>()

  constructor(live: Map<string, LiveHost>, submissions: Record<string, string>, again: boolean) {
    this.live = live
    this.submissions = submissions
    this.again = again
  }

  /** The host whose sidecar takes a host's control commands: its own, or, for a host in another's namespace, any
   * sidecar of the lab (they share /lab-sync). */
  controller(name: string): LiveHost {
    const host = this.live.get(name)!
    return host.sidecar ? host : [...this.live.values()].find((other) => other.sidecar)!
  }

  /** Resets every host and starts the programs. Each entry point starts at once, alongside its host's reset: it
   * ends what the last run left in its container (services/bin/lab-clear), then waits for its go (LAB_GO in
   * services/bin/lab-run). The go comes once every host is reset (a client must not find the last run's listening
   * flag of its server) and its capture runs; a server's comes from its announce, which has then read the sockets
   * that listened before it. */
  async start(lab: Lab): Promise<void> {
    const { plan } = lab
    await stageSubmissions(plan, this.submissions) // read again: a rerun runs what was saved last
    const services = labCompose(plan.scenario, plan).services
    const go = randomBytes(8).toString('hex')
    if (![...this.live.values()].some((host) => host.sidecar))
      throw new LabError(
        'this live lab has no network sidecar to start its programs: bring it up again (lab down, then lab up)',
        EXIT.failed,
      )
    for (const host of lab.hosts) {
      const service = services[host.name]
      this.entries.set(host.name, {
        command: ['lab-run', ...(service.command ?? [])],
        env: { ...service.environment, LAB_GO_FLAG: goFlag(host.name) },
      })
    }
    const reset = Promise.all(
      [...this.live.values()].map(
        (host) =>
          host.sidecar &&
          sidecarControl(host, [
            'fresh',
            JSON.stringify(plan.hosts.find((planned) => planned.name === host.name)?.net ?? {}),
          ]),
      ),
    )
    const programs = Promise.all(
      lab.hosts.map(async (host) => {
        const live = this.live.get(host.name)!
        const entry = this.entries.get(host.name)!
        const running =
          (await this.takeArmed(plan, live, entry, go)) ??
          (await containerEngine().exec(live.program, entry.command, { env: { ...entry.env, LAB_GO: go } }))
        const program = new ExecProcess(running, live.address)
        host.program = program
        this.followed.push(program)
        // An entry point that says nothing of it is older than this engine (a lab left up since): it would start at once.
        if (
          (await program.line((text) => text.startsWith(CLEARED_MARK), CLEAR_DEADLINE_MS)) === undefined &&
          !program.end
        ) {
          throw new LabError(
            `this live lab's programs cannot be restarted by this version of socket-lab: bring it up again (lab down, then lab up)`,
            EXIT.failed,
          )
        }
      }),
    )
    // Every entry point is started before the first go, and every host reset: a failure ends neither half-way. The
    // entry points of a run that fails here give up waiting for their go (lab-run), or the next run clears them.
    const failed = (await Promise.allSettled([reset, programs])).find((outcome) => outcome.status === 'rejected')
    if (failed) throw failed.reason
    await Promise.all(
      lab.hosts
        .filter((host) => host.sidecar && host.plan.captures)
        .map(async ({ name }) => {
          // Returns once the sidecar said its tcpdump listens; a failure is the run's.
          await sidecarControl(
            this.live.get(name)!,
            formatControl({ verb: 'capture', action: 'start', id: WARM_CAPTURE }),
          )
          this.captures.add(name)
        }),
    )
    await Promise.all(
      lab.hosts.map(async (host) => {
        const live = this.live.get(host.name)!
        const { port } = host.plan
        if (port !== undefined && live.sidecar) {
          const announce = new ExecProcess(await sidecarCommand(live, ['announce', String(port), go]))
          host.events = announce
          this.followed.push(announce)
        } else await sidecarControl(this.controller(host.name), ['go', host.name, go])
      }),
    )
  }

  async stop(lab: Lab): Promise<void> {
    if (this.again) this.armNext(lab)
    if (lab.plan.scenario.faults?.length || this.captures.size)
      await new Promise((resolve) => setTimeout(resolve, TRAILING_PACKETS_MS))
  }

  /** The sidecar's counters and the sockets still listening, asked for, and the capture, stopped. */
  async handover(_lab: Lab, host: LabHost): Promise<Handover | undefined> {
    const live = this.live.get(host.name)!
    if (!live.sidecar) return undefined
    let failed: string | undefined
    const lines = await sidecarControl(live, ['counters']).catch((error: Error) => ((failed = error.message), []))
    if (!this.captures.has(host.name)) return { lines, failed }
    // The capture's end says how it went (its statistics, its cap), as a cold run's sidecar does when it stops.
    const ended = await sidecarControl(
      live,
      formatControl({ verb: 'capture', action: 'stop', id: WARM_CAPTURE }),
    ).catch((error: Error) => ((failed ??= error.message), []))
    const pcap = await containerEngine().readFile(live.sidecar, onDemandCapture(WARM_CAPTURE))
    return { lines: [...lines, ...ended], failed, pcap }
  }

  /** Lets go of the programs it followed: a server serves on until the next run ends it. */
  release(): void {
    for (const process of this.followed) process.release()
  }

  /** Starts the next run's entry points, armed: they wait for a token from a sidecar and have started by the time
   * it comes, so a rerun costs no `docker exec` before its programs start (about 60 ms each, and the CPU of runc).
   * A sidecar that knows no `arm` (a lab brought up by an older version) arms nothing. */
  armNext(lab: Lab): void {
    for (const host of this.live.values()) {
      const entry = this.entries.get(host.name)!
      const next: { entry: string; running: Promise<docker.Running | undefined>; ended?: boolean } = {
        entry: JSON.stringify(entry),
        running: Promise.resolve(undefined),
      }
      next.running = (async () => {
        await sidecarControl(this.controller(host.name), ['arm', host.name])
        const running = await containerEngine().exec(host.program, entry.command, {
          env: { ...entry.env, LAB_ARM: armFifo(host.name) },
        })
        void running.ended.then(() => (next.ended = true))
        return running
      })().catch(() => undefined)
      armed.set(`${lab.plan.project}/${host.name}`, next)
    }
  }

  /** The armed entry point of this host, handed the run's token, when one waits with this entry. */
  async takeArmed(plan: RunPlan, host: LiveHost, entry: Entry, go: string): Promise<docker.Running | undefined> {
    const key = `${plan.project}/${host.name}`
    const waiting = armed.get(key)
    armed.delete(key)
    const running = await waiting?.running
    if (!running) return undefined
    // One ended meanwhile (another engine's run cleared it) has nobody to arm.
    const said = await new ExecProcess(running).line((text) => text.includes(ARMED_MARK), ARMED_DEADLINE_MS)
    const armedNow =
      waiting!.entry === JSON.stringify(entry) &&
      said !== undefined &&
      !waiting!.ended &&
      (await sidecarControl(this.controller(host.name), ['arm', host.name, go]).then(
        () => true,
        () => false,
      ))
    if (armedNow) return running
    running.release()
    return undefined
  }
}

/** `lab up --start`: the scenario's programs started in a live lab and left running. */
export async function startLive(live: LiveLab, scenario: Scenario): Promise<void> {
  const plan = planOfLiveLab(live, scenario, randomSeed())
  await using lab = attach(plan, await liveHosts(live, Object.keys(scenario.hosts)), live.submissions, false)
  await lab.starter.start(lab)
}

/** What lab-scrub found left in a program container once it wiped it (services/bin/lab-scrub). */
interface Scrubbed {
  processes: string[]
  files: string[]
}

/** Puts a pooled lab back for the next student and proves it clean: every host's processes ended and its /tmp and
 * /dev/shm wiped (lab-scrub), then nothing left there and nothing listening. What is left, in words, one a host and
 * kind; empty when the lab is as a cold one finds its hosts (its network is reset by the next run's `fresh`). */
export async function scrubLive(live: LiveLab, hostNames: string[]): Promise<string[]> {
  const hosts = await liveHosts(live, hostNames)
  const left = await Promise.all(
    [...hosts.values()].map(async (host): Promise<string[]> => {
      const scrub = await execToEnd(host.program, ['lab-scrub'])
      let found: Scrubbed | undefined
      try {
        found = JSON.parse(scrub.stdout.at(-1) ?? '') as Scrubbed
      } catch {
        return [
          `${host.name} could not be scrubbed: ${scrub.stderr.at(-1) ?? `lab-scrub exited with ${scrub.exitCode}`}`,
        ]
      }
      const dirt: string[] = []
      if (found.processes.length) dirt.push(`${host.name} still runs ${found.processes.join(', ')}`)
      if (found.files.length) dirt.push(`${host.name} still has ${found.files.join(', ')}`)
      if (host.sidecar) {
        const listening = readSidecarReport(await sidecarControl(host, ['counters'])).listening ?? []
        // Docker's resolver listens in every namespace: it is the lab's, not a student's.
        const theirs = listening.filter((socket) => !socket.startsWith('127.0.0.11:'))
        if (theirs.length) dirt.push(`${host.name} still listens on ${theirs.join(', ')}`)
      }
      return dirt
    }),
  )
  return left.flat()
}
