// A scenario run again in a live lab that is already up (`--watch`, `lab run --in`): its programs start with
// `docker exec` in the idle program containers, after every host is put back as a cold lab would find it (the
// last run's programs killed, faults, counters, conntrack and the listening flag reset by its sidecar, services/bin/control.ts), so its
// verdict is a cold run's. No container starts or stops: the run costs a few execs.
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { readPcap } from '../judge/packets.ts'
import { EXIT, LabError } from '../model/errors.ts'
import type { ScenarioResult } from '../model/result.ts'
import type { HostRun, LabRun, Scenario } from '../model/scenario.ts'
import { labCompose, parseCompose, type ComposeFile } from '../plan/compose.ts'
import { netPlans } from '../plan/faults.ts'
import { COMPOSE_FILE } from '../plan/layout.ts'
import { planOfLiveLab, type LiveLab } from '../plan/live-lab.ts'
import { captures, stageSubmissions, type RunPlan } from '../plan/run-plan.ts'
import { ARMED_MARK, CLEARED_MARK, START_MARK, armFifo, goFlag } from '../../services/bin/protocol.ts'
import * as docker from './docker.ts'
import { liveHosts, sidecarCommand, sidecarControl, type LiveHost } from './live.ts'
import { hostRun, judge, LISTEN_DEADLINE_MS } from './run.ts'
import { readSidecarReport } from './sidecar-report.ts'

/** The warm run's capture: its pid, so that it alone is stopped (a person's `lab capture` goes on). */
const CAPTURE_PID = '/run/lab-warm-capture.pid'
const TRAILING_PACKETS_MS = 300
/** lab-clear ends the last run's processes and waits at most a second for them to be gone. */
const CLEAR_DEADLINE_MS = 5000
/** An armed entry point says so within this, or the run starts its own. */
const ARMED_DEADLINE_MS = 5000
const CAPTURE_STOP_MS = 3000
/** A running program's output is whole once it has said nothing for QUIET_MS (at most OUTPUT_SETTLE_MS). */
const QUIET_MS = 60
const OUTPUT_SETTLE_MS = 500

/** A deadline that does not keep the process alive once the run is over. */
const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(resolve, ms, value).unref())

/** Why a scenario cannot run in a warm lab, when it cannot: what lab-ctl cannot set up at run time. */
export function whyNotWarm(scenario: Scenario): string | undefined {
  // A warm run captures eth0 alone, and the checks that follow a packet through a router need every network's
  // interface as lab-net.ts reports it at start: nat and routed were judged differently warm (test/warm-cold.test.ts).
  if (Object.keys(scenario.networks ?? {}).length > 1) return 'its hosts on several networks are captured and judged as a cold run does only: run it cold'
  for (const [host, plan] of Object.entries(netPlans(scenario))) {
    if (plan.impair) return `its impairments on ${host} (delay, reorder, duplicate, corrupt, burst loss) start with the sidecar: run it cold`
    if (plan.timed?.some((event) => event.atMs > 0 || event.untilMs !== undefined)) return `its partition on ${host} is timed from the programs' start: run it cold`
  }
  return undefined
}

/** A scenario's programs started in a live lab (for `lab up --start`, and a warm run). */
interface Started {
  /** Each host's entry point, as lab-run is given it. */
  entries: Map<string, Entry>
  /** `end` is set once the program ended. */
  programs: Map<string, { running: docker.Running; end?: { code: number | null; at: number } }>
  announces: Map<string, docker.Running>
  captures: Map<string, docker.Running>
}

let baseCompose: ComposeFile | undefined

/** A host's entry point: lab-run, the program's command, and its environment but the run's token. */
interface Entry {
  command: string[]
  env: Record<string, string>
}

/** The next run's entry points, started armed while the last run was judged (warmRun's `again`), by project and
 * host. One is used when the next run gives its host the same entry; any other is let go of, and ends at the
 * next run's clear. */
const armed = new Map<string, Armed>()
interface Armed {
  /** The Entry, as JSON. */
  entry: string
  /** Undefined when it could not start. */
  running: Promise<docker.Running | undefined>
  ended?: boolean
}

const armedKey = (plan: RunPlan, host: LiveHost) => `${plan.project}/${host.name}`

/** The host whose sidecar takes a host's control commands: its own, or, for a host in another's namespace, any
 * sidecar of the lab (they share /lab-sync). */
function sidecarFor(hosts: Map<string, LiveHost>, host: LiveHost): LiveHost {
  return host.sidecar ? host : [...hosts.values()].find((other) => other.sidecar)!
}

/** Starts the next run's entry points, armed: they wait for a token from a sidecar and have started by the time
 * it comes, so a rerun costs no `docker exec` before its programs start (about 60 ms each, and the CPU of runc). A
 * sidecar that knows no `arm` (a lab brought up by an older version) arms nothing. */
function armNext(plan: RunPlan, hosts: Map<string, LiveHost>, started: Started): void {
  for (const host of hosts.values()) {
    const entry = started.entries.get(host.name)!
    const next: Armed = { entry: JSON.stringify(entry), running: Promise.resolve(undefined) }
    next.running = (async () => {
      await sidecarControl(sidecarFor(hosts, host), ['arm', host.name])
      const running = await docker.execIn(host.program, entry.command, { env: { ...entry.env, LAB_ARM: armFifo(host.name) } })
      void running.ended.then(() => (next.ended = true))
      return running
    })().catch(() => undefined)
    armed.set(armedKey(plan, host), next)
  }
}

/** The armed entry point of this host, handed the run's token, when one waits with this entry. */
async function takeArmed(plan: RunPlan, hosts: Map<string, LiveHost>, host: LiveHost, entry: Entry, go: string): Promise<docker.Running | undefined> {
  const key = armedKey(plan, host)
  const waiting = armed.get(key)
  armed.delete(key)
  const running = await waiting?.running
  if (!running) return undefined
  // One ended meanwhile (another engine's run cleared it) has nobody to arm.
  const armedNow = waiting!.entry === JSON.stringify(entry) && (await until(running, ARMED_MARK, ARMED_DEADLINE_MS)) && !waiting!.ended &&
    (await sidecarControl(sidecarFor(hosts, host), ['arm', host.name, go]).then(() => true, () => false))
  if (armedNow) return running
  running.release()
  return undefined
}

/** Resets every host and starts the scenario's programs, servers announcing once they listen. Each program's entry
 * point starts at once, alongside its host's reset: it ends what the last run left in its container
 * (services/bin/lab-clear), then waits for the go (LAB_GO in services/bin/lab-run). The go comes once every host
 * is reset (a client must not find the last run's listening flag of its server) and its capture runs; a server's
 * comes from its announce, which has then read the sockets that listened before it. */
export async function startWarm(plan: RunPlan, hosts: Map<string, LiveHost>, submissions: Record<string, string>): Promise<Started> {
  await stageSubmissions(plan, submissions) // read again: a rerun runs what was saved last
  baseCompose ??= parseCompose(await readFile(COMPOSE_FILE, 'utf8'))
  const services = labCompose(baseCompose, plan.scenario, plan).services
  const plans = netPlans(plan.scenario)
  const go = randomBytes(8).toString('hex')
  // A host in another's namespace has no sidecar of its own: any sidecar of the lab writes its go.
  if (![...hosts.values()].some((host) => host.sidecar)) throw new LabError('this live lab has no network sidecar to start its programs: bring it up again (lab down, then lab up)', EXIT.failed)
  const entries = new Map([...hosts.values()].map((host) => {
    const service = services[host.name]
    return [host.name, { command: ['lab-run', ...(service.command ?? [])], env: { ...service.environment, LAB_GO_FLAG: goFlag(host.name) } }]
  }))
  const started: Started = { entries, programs: new Map(), announces: new Map(), captures: new Map() }
  const reset = Promise.all([...hosts.values()].map((host) => host.sidecar && sidecarControl(host, ['fresh', JSON.stringify(plans[host.name] ?? {})])))
  const programs = Promise.all([...hosts.values()].map(async (host) => {
    const entry = entries.get(host.name)!
    const running = await takeArmed(plan, hosts, host, entry, go) ?? await docker.execIn(host.program, entry.command, { env: { ...entry.env, LAB_GO: go } })
    const program: { running: docker.Running; end?: { code: number | null; at: number } } = { running }
    void running.ended.then((code) => (program.end ??= { code, at: Date.now() }))
    started.programs.set(host.name, program)
    // An entry point that says nothing of it is older than this engine (a lab left up since): it would start at once.
    if (!(await until(running, CLEARED_MARK, CLEAR_DEADLINE_MS)) && !program.end) {
      throw new LabError(`this live lab's programs cannot be restarted by this version of socket-lab: bring it up again (lab down, then lab up)`, EXIT.failed)
    }
  }))
  // Every entry point is started before the first go, and every host reset: a failure ends neither half-way. The
  // entry points of a run that fails here give up waiting for their go (lab-run), or the next run clears them.
  const failed = (await Promise.allSettled([reset, programs])).find((outcome) => outcome.status === 'rejected')
  if (failed) {
    for (const { running } of started.programs.values()) running.release()
    throw failed.reason
  }
  await Promise.all([...hosts.values()].filter((host) => host.sidecar && captures(plan, host.name)).map(async (host) => {
    const capture = await docker.execIn(host.sidecar!, ['sh', '-c', `echo $$ > ${CAPTURE_PID}; exec tcpdump -i eth0 -n --immediate-mode -U -s 0 -Z root -w -`], { raw: true })
    await until(capture, 'listening on')
    started.captures.set(host.name, capture)
  }))
  await Promise.all([...hosts.values()].map(async (host) => {
    const port = plan.scenario.hosts[host.name].listens
    if (port !== undefined && host.sidecar) started.announces.set(host.name, await sidecarCommand(host, ['announce', String(port), go]))
    else await sidecarControl(sidecarFor(hosts, host), ['go', host.name, go])
  }))
  return started
}

/** Resolves true once a command printed a line holding `text` on standard error; false once it ended, or after
 * `deadlineMs`. */
async function until(running: docker.Running, text: string, deadlineMs = Infinity): Promise<boolean> {
  const deadline = performance.now() + deadlineMs
  while (!running.stderr.some((line) => line.text.includes(text))) {
    if (performance.now() > deadline || await Promise.race([running.ended.then(() => true), sleep(2, false)])) return false
  }
  return true
}

/** Runs a scenario in a live lab and judges it as a cold run would. `again`: this process runs the lab again (a
 * watch): the next run's entry points start armed while this one is judged. */
export async function warmRun(lab: LiveLab, scenario: Scenario, options: { again?: boolean } = {}): Promise<ScenarioResult> {
  const startedAt = performance.now()
  const plan = planOfLiveLab(lab, scenario)
  const blocker = whyNotWarm(scenario)
  if (blocker) return judge(plan, { hosts: {}, problems: [], skipped: `cannot run warm: ${blocker}` }, lab.submissions, 0)
  const hosts = await liveHosts(lab, Object.keys(scenario.hosts))
  const missing = Object.keys(scenario.hosts).filter((name) => !hosts.has(name))
  if (missing.length) return judge(plan, { hosts: {}, problems: [`lab ${lab.name} has no host ${missing.join(', ')}`] }, lab.submissions, 0)
  const started = await startWarm(plan, hosts, lab.submissions)
  const problems = await untilDone(plan, started)
  const endedAt = Date.now()
  if (options.again) armNext(plan, hosts, started)
  if (scenario.faults?.length || started.captures.size) await sleep(TRAILING_PACKETS_MS)
  const run = await collect(plan, hosts, started, endedAt)
  run.problems.unshift(...problems)
  return judge(plan, run, lab.submissions, performance.now() - startedAt)
}

/** The cold run's waits (run.ts): servers listen within 20 s, then every program expected to exit does so within
 * the scenario's deadline from its start. */
async function untilDone(plan: RunPlan, started: Started): Promise<string[]> {
  const problems: string[] = []
  await Promise.all([...started.announces].map(async ([name, announce]) => {
    const program = started.programs.get(name)!.running
    const port = plan.scenario.hosts[name].listens
    const outcome = await Promise.race([
      announce.ended.then((code) => (code === 0 ? 'listening' : 'deadline')),
      program.ended.then(() => 'exited'),
      later(LISTEN_DEADLINE_MS, 'deadline' as const),
    ])
    if (outcome === 'exited') problems.push(`${name} exited before it listened on port ${port}`)
    if (outcome === 'deadline') problems.push(`${name} was not listening on port ${port} after ${LISTEN_DEADLINE_MS / 1000} s`)
  }))
  if (problems.length) return problems
  const { scenario } = plan
  await Promise.all([...started.programs].filter(([name]) => typeof scenario.expect[name]?.exit === 'number').map(async ([name, { running }]) => {
    const deadline = later(scenario.deadlineMs, 'deadline' as const)
    if (await Promise.race([running.ended.then(() => 'ended'), deadline]) === 'deadline') problems.push(`${name} was still running at the ${scenario.deadlineMs / 1000} s deadline`)
  }))
  return problems
}

/** Resolves once a running program has printed nothing for QUIET_MS, or OUTPUT_SETTLE_MS passed, or it ended. */
async function quiet(running: docker.Running): Promise<void> {
  const lines = () => running.stdout.length + running.stderr.length
  const until = Date.now() + OUTPUT_SETTLE_MS
  for (let seen = lines(); Date.now() < until; seen = lines()) {
    if (await Promise.race([running.ended.then(() => true), sleep(QUIET_MS, false)])) return
    if (lines() === seen) return
  }
}

async function collect(plan: RunPlan, hosts: Map<string, LiveHost>, started: Started, endedAt: number): Promise<LabRun> {
  const run: LabRun = { hosts: {}, problems: [] }
  const notes: string[] = []
  await Promise.all([...hosts.values()].map(async (host) => {
    const program = started.programs.get(host.name)!
    // A cold run reads a server's output once the lab is stopped; a line the server prints just after its
    // client ended ("Mensagem recebida...") is in it. Here the server runs on: its output is read once it has
    // been quiet a moment, while the sidecar's counters are asked for (the verdict of a warm run differed
    // from a cold run's once for want of this).
    const counted = host.sidecar ? sidecarControl(host, ['counters']).catch((error: Error) => (run.problems.push(error.message), [])) : undefined
    if (!program.end) await quiet(program.running)
    const ended = program.end
    if (!ended) program.running.release() // a server serves on until the next run kills it
    started.announces.get(host.name)?.release()
    const output: docker.ContainerOutput = {
      address: host.address,
      started: true,
      exitCode: ended ? ended.code : null,
      finishedAt: ended ? ended.at : null,
      stdout: program.running.stdout,
      stderr: program.running.stderr.filter((line) => !line.text.startsWith(CLEARED_MARK) && !line.text.startsWith(ARMED_MARK)),
    }
    const result: HostRun = hostRun(host.name, output, endedAt)
    if (!program.running.stderr.some((line) => line.text.startsWith(START_MARK))) result.started = result.exitCode !== null
    run.hosts[host.name] = result
    if (!host.sidecar) return
    const report = readSidecarReport(await counted!)
    result.faultCounters = report.counters
    result.listening = report.listening
    const capture = started.captures.get(host.name)
    if (!capture) return
    await docker.execToEnd(host.sidecar, ['sh', '-c', `kill -INT $(cat ${CAPTURE_PID})`])
    // tcpdump flushes and ends on SIGINT; one that does not within the deadline is let go of with what it wrote.
    await Promise.race([capture.ended, later(CAPTURE_STOP_MS, undefined)])
    capture.release()
    const read = await readPcap(Buffer.concat(capture.bytes))
    result.packets = read.packets
    if (read.unreadable) run.problems.push(`the capture of ${host.name} could not be read to its end: ${read.unreadable}`)
    if (read.undecodable) notes.push(`${read.undecodable} frames of ${host.name}'s capture could not be decoded`)
  }))
  if (notes.length) run.notes = notes
  return run
}
