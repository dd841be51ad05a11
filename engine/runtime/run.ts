// One run, in phases, for a cold lab and a live one alike: start the programs (lab.ts Starter), wait for the
// servers, wait for the programs, stop (the sidecars report), collect what every host did, judge; each phase
// emits its events (engine/model/events.ts). A cold run also plans, brings the lab up and tears it down, on every
// path, an interruption included (see lab.ts `own`).
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { judge, type Observed } from '../judge/verdict.ts'
import { readPcap } from '../judge/packets.ts'
import type { ScenarioResult } from '../model/result.ts'
import { ignoreEvents, type EventSink } from '../model/events.ts'
import type { HostRun, LabRun, Packet, Problem, Scenario } from '../model/scenario.ts'
import { planRun, stageSubmissions, type RunOptions, type RunPlan } from '../plan/run-plan.ts'
import { languageOf } from '../plan/submission.ts'
import { withDeadline } from './deadline.ts'
import { ensureHostImages } from './host-images.ts'
import type * as docker from './docker.ts'
import { own, up, type Handover, type Lab, type LabHost } from './lab.ts'
import { stallText, watchStalls } from './stalls.ts'
import { Wait } from './waits.ts'
import { readSidecarReport } from './sidecar-report.ts'
import {
  ARMED_MARK,
  CLEARED_MARK,
  LIMIT_MARK,
  OUTPUT_CUT_MARK,
  START_MARK,
  parseEvent,
} from '../../services/bin/protocol.ts'

export type { RunOptions } from '../plan/run-plan.ts'

/** How long collecting every host's output may take. */
export const COLLECT_DEADLINE_MS = 30_000

/** How long a listening host may take to open its port once its container started: a submission that listens
 * on another port, or not at all, fails here (the programs waiting for it give up at 30 s in lab-run). */
export const LISTEN_DEADLINE_MS = 20_000

/** How long a program may wait for its host's network sidecar (services/bin/lab-run gives up at 30 s). */
const PROGRAM_START_WAIT_MS = 35_000

export async function runScenario(
  scenario: Scenario,
  options: RunOptions & { onEvent?: EventSink },
): Promise<ScenarioResult> {
  const started = performance.now()
  // Before the run owns anything: a missing image or a failed build is the user's error, with nothing to tear down.
  const hostImages = await ensureHostImages(scenario)
  const plan = await planRun(scenario, { ...options, hostImages })
  const { down, release } = await own(plan)
  const emit = options.onEvent ?? ignoreEvents
  let run: LabRun
  let leftBehind: string[] = []
  try {
    await stageSubmissions(plan, options.submissions ?? {})
    run = await runLab(await up(plan, down), emit)
  } finally {
    // Released only once done: a signal during this teardown waits for it instead of exiting halfway.
    leftBehind = await down()
    release()
  }
  // A lab that is not gone fails the scenario: the next run, or the class next door, would trip over it.
  run.problems.push(...leftBehind.map((text) => problem(emit, plan.runId, { kind: 'teardown', text })))
  return verdict(plan, run, options.submissions ?? {}, performance.now() - started, emit)
}

/** Judges a run and tells its checks and its end. */
export function verdict(
  plan: Observed & Partial<Pick<RunPlan, 'submissions'>>,
  run: LabRun,
  submissions: Record<string, string>,
  wallMs: number,
  emit: EventSink = ignoreEvents,
): ScenarioResult {
  const languages = Object.fromEntries(
    Object.entries(plan.submissions ?? {}).flatMap(([host, staged]) => {
      const language = languageOf(staged)
      return language ? [[host, language]] : []
    }),
  )
  const observed: Observed = {
    scenario: plan.scenario,
    impl: plan.impl,
    runId: plan.runId,
    project: plan.project,
    seed: plan.seed,
    languages,
  }
  const result = judge(observed, run, submissions, wallMs)
  for (const check of result.checks) emit({ kind: 'check', runId: observed.runId, check })
  emit({ kind: 'run-ended', runId: observed.runId, result })
  return result
}

const problem = (emit: EventSink, runId: string, record: Problem): Problem => (
  emit({ kind: 'problem', runId, problem: record }),
  record
)

/** One run in a lab that is up, cold or live: start its programs, wait for its servers to listen and its programs
 * to end, stop, collect what every host did. */
export async function runLab(lab: Lab, emit: EventSink = ignoreEvents): Promise<LabRun> {
  const { runId } = lab.plan
  emit({
    kind: 'run-started',
    runId,
    scenario: lab.plan.scenario.id,
    hosts: lab.hosts.map((host) => host.name),
    warm: lab.plan.live === true,
    at: Date.now(),
  })
  const problems = lab.problems.map((record) => problem(emit, runId, record))
  await lab.starter.start(lab)
  // Someone listens: each program's lines are told as it prints them, not once the run is over.
  const following = emit === ignoreEvents ? undefined : follow(lab, emit)
  // The servers first: the other programs start once these listen, and never start if they do not.
  const unready = await untilServersListen(lab, emit)
  problems.push(...unready.map((record) => problem(emit, runId, record)))
  if (!unready.length) problems.push(...(await untilProgramsEnd(lab)).map((record) => problem(emit, runId, record)))
  const endedAt = Date.now()
  await lab.starter.stop(lab)
  const hosts: Record<string, HostRun> = {}
  const notes: string[] = []
  let skipped: string | undefined
  const collect = Promise.all(
    lab.hosts.map(async (host) => {
      const collected = await collectHost(lab, host, endedAt)
      await following?.stop()
      if (!collected) return
      hosts[host.name] = collected.run
      problems.push(...collected.problems.map((record) => problem(emit, runId, record)))
      notes.push(...collected.notes)
      skipped ??= collected.skipped
      tell(emit, runId, collected.run, following?.told(host.name) ?? { stdout: 0, stderr: 0 })
    }),
  )
  await withDeadline(collect, COLLECT_DEADLINE_MS, 'collect output').catch((error: Error) =>
    problems.push(problem(emit, runId, { kind: 'collect', text: error.message })),
  )
  return { hosts, problems, skipped, ...(notes.length ? { notes } : {}) }
}

/** What one host did, as events: its start, what its sidecar applied, its lines and packets, its end. */
function tell(emit: EventSink, runId: string, run: HostRun, told: Told): void {
  const host = run.host
  if (run.started) emit({ kind: 'host-started', runId, host, at: Math.round(run.startedAt) })
  // What was not told as it came (printed after following stopped; everything, when nobody followed).
  const lines = [
    ...run.stdout.slice(told.stdout).map((line) => ({ ...line, stream: 'stdout' as const })),
    ...run.stderr.slice(told.stderr).map((line) => ({ ...line, stream: 'stderr' as const })),
  ]
  for (const line of lines.sort((a, b) => a.atMs - b.atMs))
    emit({ kind: 'line', runId, host, stream: line.stream, atMs: line.atMs, text: line.text })
  for (const window of run.faultWindows ?? []) {
    emit({ kind: 'fault', runId, host, action: 'applied', at: window.on })
    if (window.off !== undefined) emit({ kind: 'fault', runId, host, action: 'removed', at: window.off })
  }
  for (const packet of run.packets ?? []) emit({ kind: 'packet', runId, host, packet })
  if (run.exitCode !== null)
    emit({ kind: 'host-ended', runId, host, exitCode: run.exitCode, at: Math.round(run.startedAt + run.elapsedMs) })
}

/** Tells each program's lines as they come, counted from its start mark (lab-run's, which comes first); a
 * program that prints none (a foreign image) has its lines told, from its first, once following stops. */
/** How many lines of each stream of a host were told as they came. */
type Told = Record<'stdout' | 'stderr', number>

function follow(lab: Lab, emit: EventSink): { stop: () => Promise<void>; told: (host: string) => Told } {
  const done = new AbortController()
  const { runId } = lab.plan
  const told = new Map<string, Told>()
  const followed = lab.hosts.map(async (host) => {
    // A foreign image prints no start mark: its lines are told with the rest, once the run is collected.
    if (!host.program || host.gate) return
    const count: Told = { stdout: 0, stderr: 0 }
    told.set(host.name, count)
    let zero: number | undefined
    // A chunk of the log gives its stdout before its stderr: a program's first line may come before the mark.
    const early: docker.TimedLine[] = []
    const tellLine = (stream: 'stdout' | 'stderr', line: docker.TimedLine) => {
      count[stream]++
      emit({ kind: 'line', runId, host: host.name, stream, atMs: Math.max(0, line.at - zero!), text: line.text })
    }
    /** The output limiter's nonce, as its cut mark ends with it (hostRun). */
    let signed: string | undefined
    await host.program
      .follow((stream, line) => {
        // What collect leaves out of a program's output (hostRun, ExecProcess.output) is neither told nor counted.
        if (stream === 'stderr' && [CLEARED_MARK, ARMED_MARK].some((mark) => line.text.startsWith(mark))) return
        if (stream === 'stderr' && signed === undefined && line.text.startsWith(`${LIMIT_MARK} `)) {
          signed = ` (${line.text.slice(LIMIT_MARK.length + 1)})`
          return
        }
        if (signed && line.text.startsWith(OUTPUT_CUT_MARK) && line.text.endsWith(signed))
          line = { ...line, text: line.text.slice(0, -signed.length) }
        if (zero === undefined && stream === 'stderr' && line.text.startsWith(START_MARK)) {
          zero = line.at // its lines count from the start mark, which lab-run prints before the program runs
          for (const line of early.splice(0)) tellLine('stdout', line)
          return
        }
        if (zero !== undefined) tellLine(stream, line)
        else if (stream === 'stdout') early.push(line)
        else count.stderr++ // lab-run's own, before the program ran: collect keeps it, it is not the program's to tell
      }, done.signal)
      .catch(() => undefined)
    // No mark came (the program never started): what it printed is told with the rest, once collected.
  })
  let stopped: Promise<void> | undefined
  return {
    stop: () => (stopped ??= (done.abort(), Promise.all(followed).then(() => undefined))),
    told: (host) => told.get(host) ?? { stdout: 0, stderr: 0 },
  }
}

/** Waits until every listening host's sidecar saw its port open. */
async function untilServersListen(lab: Lab, emit: EventSink): Promise<Problem[]> {
  const outcomes = await Promise.all(
    lab.hosts.map(async (host): Promise<Problem | undefined> => {
      const { port } = host.plan
      if (port === undefined || !host.program || !host.events) return undefined
      const outcome = await Wait.forListening(port).withDeadline(LISTEN_DEADLINE_MS).waitUntilReady(host)
      if (outcome.ok) {
        emit({ kind: 'socket-listening', runId: lab.plan.runId, host: host.name, port, at: Math.round(outcome.at) })
        return undefined
      }
      return { kind: outcome.problem ?? 'not-listening', host: host.name, text: outcome.message }
    }),
  )
  return outcomes.filter((outcome) => outcome !== undefined)
}

/** Waits for every program expected to exit, each until its own deadline counted from its own start: on a busy
 * machine a host's sidecar can take seconds to be ready, and that wait is not the program's. Ends sooner when every
 * program waits for what nothing will send (stalls.ts): the outcome is the deadline's, and that is the evidence. */
async function untilProgramsEnd(lab: Lab): Promise<Problem[]> {
  const { scenario } = lab.plan
  const finishers = lab.hosts.filter((host) => typeof scenario.expect[host.name]?.exit === 'number' && host.program)
  if (!finishers.length) return []
  const deadlines = new Map<string, number>()
  const cut = new AbortController()
  const watching = new AbortController()
  const stall = (lab.plan.stopEarly ? watchStalls : async () => undefined)(
    lab,
    () => (deadlines.size === finishers.length ? Math.max(...deadlines.values()) : undefined),
    watching.signal,
  ).then((found) => (found && cut.abort(), found))
  let outcomes: { host: LabHost; ok: boolean; stopped: boolean }[]
  try {
    outcomes = await Promise.all(
      finishers.map(async (host) => {
        // A foreign image has no lab-run: its gate says when the lab let it start.
        const start = await Wait.forLogLine(START_MARK, host.gate ? 'gate' : 'program')
          .withDeadline(PROGRAM_START_WAIT_MS)
          .waitUntilReady(host, cut.signal)
        const startedAt = start.ok ? start.at : Date.now()
        deadlines.set(host.name, startedAt + scenario.deadlineMs)
        const exit = await Wait.forExit()
          .withDeadline(Math.max(0, startedAt + scenario.deadlineMs - Date.now()))
          .waitUntilReady(host, cut.signal)
        return { host, ok: exit.ok, stopped: !exit.ok && exit.reason === 'aborted' }
      }),
    )
  } finally {
    watching.abort()
  }
  const found = await stall
  const evidence = found && stallText(found, scenario.deadlineMs, Date.now())
  return outcomes
    .filter(({ ok }) => !ok)
    .map(({ host, stopped }) =>
      stopped && evidence
        ? { kind: 'stalled', host: host.name, text: `${host.name} was still running, and ${evidence}` }
        : {
            kind: 'deadline',
            host: host.name,
            text: `${host.name} was still running at the ${scenario.deadlineMs / 1000} s deadline`,
          },
    )
}

interface Collected {
  run: HostRun
  problems: Problem[]
  notes: string[]
  skipped?: string
}

/** What one host did: its program's output re-based on its start, and what its sidecar reported and captured. */
async function collectHost(lab: Lab, host: LabHost, endedAt: number): Promise<Collected | undefined> {
  // A router that only routes has no program container: it ran, quiet, until the lab ended (compose.ts routesOnly).
  const alone = host.program ? undefined : await host.sidecar?.output()
  const [output, handover] = await Promise.all([
    host.program ? host.program.output() : alone && quiet(alone),
    lab.starter.handover(lab, host),
  ])
  if (!output) return undefined
  // A foreign image prints no start mark (its gate did, before Compose started it): its times count from its start.
  // A router with no program counts from where its timed faults do, else from its sidecar's start.
  const zero = host.gate ? output.startedAt : alone ? (timedStart(alone) ?? alone.startedAt) : undefined
  const run = hostRun(host.name, output, endedAt, zero)
  const problems: Problem[] = []
  const notes: string[] = []
  if (!handover) return { run, problems, notes }
  const net = readSidecarReport(handover.lines)
  run.faultCounters = net.counters
  run.impairedBy = net.impairedBy
  run.address ??= net.address
  run.listening = net.listening
  const windows = faultWindows(handover)
  if (windows.length) run.faultWindows = windows
  if (net.interfaces) {
    run.addresses = Object.fromEntries(
      Object.entries(net.interfaces).map(([network, { address }]) => [network, address]),
    )
    run.address = Object.values(run.addresses)[0]
  }
  if (handover.failed !== undefined) {
    problems.push({
      kind: 'sidecar',
      host: host.name,
      text: `the network sidecar of ${host.name} failed: ${net.failed ?? handover.failed}`,
    })
  }
  const { pcap } = handover
  if (pcap) {
    const read = await readPcap(pcap)
    run.packets = net.interfaces ? onNetworks(read.packets, net.interfaces) : read.packets
    if (read.notDecoded)
      notes.push(
        `${read.notDecoded} packets of ${host.name}'s capture were not decoded: the checks read the first ${read.packets.length}`,
      )
    if (read.undecodable) notes.push(`${read.undecodable} frames of ${host.name}'s capture could not be decoded`)
    if (read.unreadable)
      problems.push({
        kind: 'capture',
        host: host.name,
        text: `the capture of ${host.name} could not be read to its end: ${read.unreadable}`,
      })
  }
  if (net.captureCapped) notes.push(`the capture of ${host.name} stopped at its cap (${net.captureCapped})`)
  if (pcap && lab.plan.captureDir)
    await writeFile(path.join(lab.plan.captureDir, `${lab.plan.scenario.id}-${host.name}.pcap`), pcap)
  // A capture that missed packets (the kernel under load, or its cap) fails nothing by itself: the scenario's packet
  // checks judge what they need from it, and say what they did not find. A capped capture stopped on purpose.
  if (net.captureLost && !net.captureCapped) notes.push(`the capture of ${host.name} missed ${net.captureLost} packets`)
  return { run, problems, notes, skipped: net.skipped }
}

/** When the sidecar put each timed fault on and took it off, from its `fault-on` and `fault-off` lines' times. */
function faultWindows({ lines, times }: Handover): NonNullable<HostRun['faultWindows']> {
  const windows: NonNullable<HostRun['faultWindows']> = []
  if (!times) return windows
  lines.forEach((line, i) => {
    const event = parseEvent(line)
    // The sidecar's own time of the change where it says (a log line's time lags on a busy machine).
    const at = (said?: number) => (typeof said === 'number' && Number.isFinite(said) ? said : times[i])
    if (event?.kind === 'fault-on') windows.push({ table: event.table, on: at(event.at) })
    if (event?.kind === 'fault-off') {
      const open = windows.find((window) => window.table === event.table && window.off === undefined)
      if (open) open.off = at(event.at)
    }
  })
  return windows
}

/** What a host with no program of its own did, from its sidecar's container: it ran, printed nothing, and had not
 * exited before the lab stopped its sidecar. */
function quiet(sidecar: docker.ContainerOutput): docker.ContainerOutput {
  return { ...sidecar, exitCode: null, finishedAt: null, stdout: [], stderr: [], logTruncated: false }
}

/** When a sidecar started its timed faults (epoch ms), if it has any. */
function timedStart(sidecar: docker.ContainerOutput): number | undefined {
  return sidecar.stdout.find((line) => parseEvent(line.text)?.kind === 'timed-start')?.at
}

/** A capture of every interface, each packet named by the network it crossed; what crossed no lab network (the
 * loopback, the sidecar's own ready link) is left out. */
export function onNetworks(packets: Packet[], interfaces: Record<string, { index: number }>): Packet[] {
  const networkOf = new Map(Object.entries(interfaces).map(([network, { index }]) => [index, network]))
  return packets.flatMap((packet) => {
    const network = packet.ifIndex === undefined ? undefined : networkOf.get(packet.ifIndex)
    return network ? [{ ...packet, network }] : []
  })
}

/** Re-bases a container's output on the moment its program started (the lab-run mark). */
export function hostRun(host: string, output: docker.ContainerOutput, endedAt: number, startedAt?: number): HostRun {
  const mark = output.stderr.find((line) => line.text.startsWith(START_MARK))
  const zero = mark?.at ?? startedAt ?? output.stdout[0]?.at ?? endedAt
  // The output limiter's nonce (its first line); its cut mark, and only its, ends with it.
  const limiter = output.stderr.find((line) => line.text.startsWith(`${LIMIT_MARK} `))
  const nonce = limiter?.text.slice(LIMIT_MARK.length + 1)
  const signed = nonce ? ` (${nonce})` : undefined
  const cutBy = (line: docker.TimedLine) =>
    signed !== undefined && line.text.startsWith(OUTPUT_CUT_MARK) && line.text.endsWith(signed)
  const rebase = (lines: docker.TimedLine[]) =>
    lines.map((line) => ({ atMs: Math.max(0, line.at - zero), text: line.text }))
  return {
    host,
    address: output.address,
    started: output.started,
    exitCode: output.started ? output.exitCode : null,
    startedAt: zero,
    elapsedMs: Math.max(0, (output.finishedAt ?? endedAt) - zero),
    stdout: rebase(output.stdout),
    stderr: rebase(
      output.stderr
        .filter((line) => line !== mark && line !== limiter)
        .map((line) => (cutBy(line) ? { ...line, text: line.text.slice(0, -signed!.length) } : line)),
    ),
    outputCut: output.logTruncated === true || output.stderr.some(cutBy),
  }
}
