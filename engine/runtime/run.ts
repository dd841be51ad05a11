// Runs one scenario end to end, in phases: plan the run, bring the lab up, wait for its servers, wait for its
// programs, stop the sidecars (they report), collect what every host did, tear down, judge. Teardown happens on
// every path, an interruption included (see lab.ts `own`).
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { checkScenario } from '../judge/checks.ts'
import { hintsFor } from '../judge/hints.ts'
import { readPcap } from '../judge/packets.ts'
import type { ScenarioResult } from '../model/result.ts'
import type { HostRun, LabRun, Packet, Scenario } from '../model/scenario.ts'
import { captures, planRun, stageSubmissions, type RunOptions, type RunPlan } from '../plan/run-plan.ts'
import { withDeadline } from './deadline.ts'
import { ensureHostImages } from './host-images.ts'
import type * as docker from './docker.ts'
import { own, up, type Lab, type LabHost } from './lab.ts'
import { Wait } from './waits.ts'
import { readSidecarReport } from './sidecar-report.ts'
import { OUTPUT_CUT_MARK, START_MARK, parseEvent } from '../../services/bin/protocol.ts'

export type { RunOptions } from '../plan/run-plan.ts'

/** How long collecting every host's output may take. */
export const COLLECT_DEADLINE_MS = 30_000

/** How long a listening host may take to open its port once its container started: a submission that listens
 * on another port, or not at all, fails here (the programs waiting for it give up at 30 s in lab-run). */
export const LISTEN_DEADLINE_MS = 20_000

/** How long a program may wait for its host's network sidecar (services/bin/lab-run gives up at 30 s). */
const PROGRAM_START_WAIT_MS = 35_000

/** How long a signalled sidecar may take to print its report; past it, it is stopped like a capturing one. */
const SIDECAR_REPORT_MS = 3000
/** How long packets may still trail the programs' exit (the last FIN and ACK) before captures stop. */
const TRAILING_PACKETS_MS = 300


export async function runScenario(scenario: Scenario, options: RunOptions): Promise<ScenarioResult> {
  const started = performance.now()
  // Before the run owns anything: a missing image or a failed build is the user's error, with nothing to tear down.
  const hostImages = await ensureHostImages(scenario)
  const plan = await planRun(scenario, { ...options, hostImages })
  const { down, release } = await own(plan)
  let run: LabRun
  let leftBehind: string[] = []
  try {
    await stageSubmissions(plan, options.submissions ?? {})
    run = await runLab(await up(plan, down))
  } finally {
    // Released only once done: a signal during this teardown waits for it instead of exiting halfway.
    leftBehind = await down()
    release()
  }
  // A lab that is not gone fails the scenario: the next run, or the class next door, would trip over it.
  run.problems.push(...leftBehind)
  return judge(plan, run, options.submissions ?? {}, performance.now() - started)
}

export function judge(plan: RunPlan, run: LabRun, submissions: Record<string, string>, wallMs: number): ScenarioResult {
  const { scenario, impl, project } = plan
  const checks = checkScenario(scenario, run)
  const status = run.skipped ? 'skipped' : checks.every((check) => check.passed) ? 'passed' : 'failed'
  return {
    scenario, impl, project, checks, run, status, submissions, wallMs,
    hints: hintsFor(scenario, { run, checks, submitted: Object.keys(submissions) }),
  }
}

/** The phases between up and down. */
async function runLab(lab: Lab): Promise<LabRun> {
  const problems = [...lab.problems]
  // The servers first: the other programs start once these listen, and never start if they do not.
  const unready = await untilServersListen(lab)
  problems.push(...unready)
  if (!unready.length) problems.push(...(await untilProgramsEnd(lab)))
  const endedAt = Date.now()
  await stopSidecars(lab)
  const hosts: Record<string, HostRun> = {}
  const notes: string[] = []
  let skipped: string | undefined
  const collect = Promise.all(lab.hosts.map(async (host) => {
    const collected = await collectHost(lab, host, endedAt)
    if (!collected) return
    hosts[host.name] = collected.run
    problems.push(...collected.problems)
    notes.push(...collected.notes)
    skipped ??= collected.skipped
  }))
  await withDeadline(collect, COLLECT_DEADLINE_MS, 'collect output').catch((error: Error) => problems.push(error.message))
  return { hosts, problems, skipped, ...(notes.length ? { notes } : {}) }
}

/** Waits until every listening host's sidecar saw its port open; what went wrong otherwise, in words. */
async function untilServersListen(lab: Lab): Promise<string[]> {
  const outcomes = await Promise.all(lab.hosts.map(async (host) => {
    const port = host.spec.listens
    if (port === undefined || !host.program || !host.sidecar) return undefined
    const outcome = await Wait.forListening(port).withDeadline(LISTEN_DEADLINE_MS).waitUntilReady(host)
    return outcome.ok ? undefined : outcome.message
  }))
  return outcomes.filter((problem) => problem !== undefined)
}

/** Waits for every program expected to exit, each until its own deadline counted from its own start: on a busy
 * machine a host's sidecar can take seconds to be ready, and that wait is not the program's. */
async function untilProgramsEnd(lab: Lab): Promise<string[]> {
  const { scenario } = lab.plan
  const finishers = lab.hosts.filter((host) => typeof scenario.expect[host.name]?.exit === 'number' && host.program)
  const problems = await Promise.all(finishers.map(async (host) => {
    // A foreign image has no lab-run: its gate says when the lab let it start.
    const start = await Wait.forLogLine(START_MARK, host.gate ? 'gate' : 'program').withDeadline(PROGRAM_START_WAIT_MS).waitUntilReady(host)
    const startedAt = start.ok ? start.at : Date.now()
    const exit = await Wait.forExit().withDeadline(Math.max(0, startedAt + scenario.deadlineMs - Date.now())).waitUntilReady(host)
    return exit.ok ? undefined : `${host.name} was still running at the ${scenario.deadlineMs / 1000} s deadline`
  }))
  return problems.filter((problem) => problem !== undefined)
}

/** Stopping the sidecars makes them print the sockets still listening and their fault counters, and flush their
 * captures. Only a capture needs its sidecar to have exited (tcpdump then has written the whole pcap); the others
 * are read as soon as they have printed, and left to the teardown. */
async function stopSidecars(lab: Lab): Promise<void> {
  const capturing = lab.hosts.some((host) => captures(lab.plan, host.name))
  if (lab.plan.scenario.faults?.length || capturing) await sleep(TRAILING_PACKETS_MS)
  await Promise.all(lab.hosts.map(async ({ name, sidecar }) => {
    if (!sidecar) return
    if (!captures(lab.plan, name)) {
      await sidecar.signal('SIGTERM')
      if (await sidecar.event((event) => event.kind === 'counters', SIDECAR_REPORT_MS)) return
    }
    await sidecar.stop(3)
  }))
}

/** What one host did: its program's output re-based on its start, and what its sidecar reported and captured. */
async function collectHost(lab: Lab, host: LabHost, endedAt: number): Promise<{ run: HostRun; problems: string[]; notes: string[]; skipped?: string } | undefined> {
  // A router that only routes has no program container: it ran, quiet, until the lab ended (compose.ts routesOnly).
  const alone = host.program ? undefined : await host.sidecar?.output()
  const output = host.program ? await host.program.output() : alone && quiet(alone)
  if (!output) return undefined
  // A foreign image prints no start mark (its gate did, before Compose started it): its times count from its start.
  // A router with no program counts from where its timed faults do, else from its sidecar's start.
  const zero = host.gate ? output.startedAt : alone ? timedStart(alone) ?? alone.startedAt : undefined
  const run = hostRun(host.name, output, endedAt, zero)
  const problems: string[] = []
  const notes: string[] = []
  if (!host.sidecar) return { run, problems, notes }
  const sidecar = alone ?? await host.sidecar.output()
  const net = readSidecarReport(sidecar.stdout.map((line) => line.text))
  run.faultCounters = net.counters
  run.impairedBy = net.impairedBy
  run.address ??= net.address
  run.listening = net.listening
  if (net.interfaces) {
    run.addresses = Object.fromEntries(Object.entries(net.interfaces).map(([network, { address }]) => [network, address]))
    run.address = Object.values(run.addresses)[0]
  }
  if (sidecar.exitCode !== null && sidecar.exitCode !== 0 && !net.counters) {
    problems.push(`the network sidecar of ${host.name} failed: ${net.failed ?? sidecar.stderr.at(-1)?.text ?? `exit code ${sidecar.exitCode}`}`)
  }
  const pcap = captures(lab.plan, host.name) ? await host.sidecar.readFile(`/capture/${host.name}.pcap`) : undefined
  if (pcap) {
    const read = await readPcap(pcap)
    run.packets = net.interfaces ? onNetworks(read.packets, net.interfaces) : read.packets
    if (read.notDecoded) notes.push(`${read.notDecoded} packets of ${host.name}'s capture were not decoded: the checks read the first ${read.packets.length}`)
    if (read.undecodable) notes.push(`${read.undecodable} frames of ${host.name}'s capture could not be decoded`)
    if (read.unreadable) problems.push(`the capture of ${host.name} could not be read to its end: ${read.unreadable}`)
  }
  if (net.captureCapped) notes.push(`the capture of ${host.name} stopped at its cap (${net.captureCapped})`)
  if (pcap && lab.plan.captureDir) await writeFile(path.join(lab.plan.captureDir, `${lab.plan.scenario.id}-${host.name}.pcap`), pcap)
  // A capture that missed packets (the kernel under load, or its cap) fails nothing by itself: the scenario's packet
  // checks judge what they need from it, and say what they did not find. A capped capture stopped on purpose.
  if (net.captureLost && !net.captureCapped) notes.push(`the capture of ${host.name} missed ${net.captureLost} packets`)
  return { run, problems, notes, skipped: net.skipped }
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
  const rebase = (lines: docker.TimedLine[]) => lines.map((line) => ({ atMs: Math.max(0, line.at - zero), text: line.text }))
  return {
    host,
    address: output.address,
    started: output.started,
    exitCode: output.started ? output.exitCode : null,
    startedAt: zero,
    elapsedMs: Math.max(0, (output.finishedAt ?? endedAt) - zero),
    stdout: rebase(output.stdout),
    stderr: rebase(output.stderr.filter((line) => line !== mark)),
    outputCut: output.logTruncated === true || output.stderr.some((line) => line.text.startsWith(OUTPUT_CUT_MARK)),
  }
}
