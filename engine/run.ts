// Runs one scenario end to end: compose file, up, wait for the programs, collect their output, tear down,
// check. Teardown happens on every path, an interruption included (see teardown.ts).
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { checkScenario, formatMs } from './checks.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { captures, composeText, labCompose, parseCompose, randomSubnet, sidecarName, withSubnet } from './compose.ts'
import { withDeadline } from './deadline.ts'
import * as docker from './docker.ts'
import { COMPOSE_FILE, ROOT } from './layout.ts'
import { markRunLive } from './live-runs.ts'
import { readPcap } from './packets.ts'
import type { Check, HostRun, Impl, LabRun, Scenario } from './scenario.ts'
import { errors } from './errors.ts'
import { hintsFor, type Hint } from './hints.ts'
import { stageSubmission, type StagedSubmission } from './submission.ts'
import { onInterrupt, tearDownLab } from './teardown.ts'

/** Deadlines of the phases around the programs' own run (whose deadline each scenario sets); teardown's is
 * in teardown.ts. */
export const UP_DEADLINE_MS = 90_000
export const COLLECT_DEADLINE_MS = 30_000

/** Docker's answers when no subnet is left in its pools, or when the one the lab picked is taken. */
const POOL_EXHAUSTED = /could not find an available, non-overlapping IPv4 address pool|Pool overlaps with other one/
const SUBNET_TRIES = 8

/** How long a listening host may take to open its port once its container started: a submission that listens
 * on another port, or not at all, fails here (the programs waiting for it give up at 30 s in lab-run). */
export const LISTEN_DEADLINE_MS = 20_000

/** How long a program may wait for its host's network sidecar (services/bin/lab-run gives up at 30 s). */
const PROGRAM_START_WAIT_MS = 35_000

/** How long a signalled sidecar may take to print its report; past it, it is stopped like a capturing one. */
const SIDECAR_REPORT_MS = 3000
/** How long packets may still trail the programs' exit (the last FIN and ACK) before captures stop. */
const TRAILING_PACKETS_MS = 300

/** Printed by services/bin/lab-run just before the program starts: the zero of every timing. */
const START_MARK = 'lab-run: start'
/** Printed by services/bin/lab-limit.ts when a submitted program wrote past its output limit. */
const OUTPUT_CUT_MARK = 'lab-run: output cut after'

export interface ScenarioResult {
  scenario: Scenario
  impl: Impl
  project: string
  checks: Check[]
  /** skipped: the scenario needs what this machine lacks (see `run.skipped`); its checks are not judged. */
  status: 'passed' | 'failed' | 'skipped'
  passed: boolean
  wallMs: number
  run: LabRun
  /** Submitted programs, by host (the paths the user gave). */
  submissions: Record<string, string>
  /** The likely mistakes behind a failure of submitted programs. */
  hints: Hint[]
}

export interface RunOptions {
  /** The lab image, as ensureLabImage returned it. */
  image: string
  impl?: Impl
  /** Programs to run in place of the reference ones, by host: paths to a student's files. */
  submissions?: Record<string, string>
  /** Capture every host, and keep each capture as DIR/<scenario>-<host>.pcap. */
  captureDir?: string
  /** Capture every host (for a report's packet diagram), without keeping the files. */
  captureAll?: boolean
}

/** The temporary folder of a run is `<tmp>/socket-lab-run-<project>-XXXXXX`. */
export const RUN_DIR_PREFIX = 'socket-lab-run-'

export function newRunId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
}

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<ScenarioResult> {
  const started = performance.now()
  const impl = options.impl ?? 'ts'
  const runId = newRunId()
  const project = `socketlab-${scenario.id}-${runId}`
  // Named after the project, so `lab clean` can find the folder of a run that was killed outright.
  const work = await mkdtemp(path.join(os.tmpdir(), `${RUN_DIR_PREFIX}${project}-`))
  const file = path.join(work, 'compose.yml')
  const unmarkLive = await markRunLive(runId)
  // Once only: an interruption and the normal path may both ask for it.
  let tornDown: Promise<string[]> | undefined
  const tearDown = () => (tornDown ??= (async () => {
    const left = await tearDownLab({ project, runId, file })
    await rm(work, { recursive: true, force: true })
    await unmarkLive()
    return left
  })())
  const forget = onInterrupt(tearDown, `lab ${project}`)
  let run: LabRun
  let leftBehind: string[] = []
  try {
    const submissions: Record<string, StagedSubmission> = {}
    for (const [host, source] of Object.entries(options.submissions ?? {})) {
      if (!(host in scenario.hosts)) throw errors.usage(`${scenario.id} has no host "${host}" to run ${source} in (hosts: ${Object.keys(scenario.hosts).join(', ')})`)
      submissions[host] = await stageSubmission(host, source, work)
    }
    // Keeping the captures (--capture DIR) means capturing every host.
    const captureAll = options.captureAll || options.captureDir !== undefined
    const compose = labCompose(parseCompose(await readFile(COMPOSE_FILE, 'utf8')), scenario, { project, runId, impl, image: options.image, submissions, captureAll })
    await writeFile(file, composeText(compose))
    run = await upRunCollect(scenario, project, file, { captureDir: options.captureDir, captureAll })
  } finally {
    // Forgotten only once done: a signal during this teardown waits for it instead of exiting halfway.
    leftBehind = await tearDown()
    forget()
  }
  // A lab that is not gone fails the scenario: the next run, or the class next door, would trip over it.
  run.problems.push(...leftBehind)
  const checks = checkScenario(scenario, run)
  const status = run.skipped ? 'skipped' : checks.every((check) => check.passed) ? 'passed' : 'failed'
  const submissions = options.submissions ?? {}
  return {
    scenario, impl, project, checks, run, status, submissions,
    hints: hintsFor(scenario, { run, checks, submitted: Object.keys(submissions) }),
    passed: status === 'passed',
    wallMs: performance.now() - started,
  }
}

async function upRunCollect(scenario: Scenario, project: string, file: string, { captureDir, captureAll }: { captureDir?: string; captureAll: boolean }): Promise<LabRun> {
  const problems: string[] = []
  for (let attempt = 1; ; attempt++) {
    try {
      await docker.composeUp(project, file, ROOT, UP_DEADLINE_MS)
      break
    } catch (error) {
      const message = (error as Error).message
      // Docker's own address pools are used up (a class of labs at once): the lab picks a subnet itself;
      // another lab may take the same one first, hence a few tries.
      if (POOL_EXHAUSTED.test(message) && attempt <= SUBNET_TRIES) {
        await writeFile(file, composeText(withSubnet(parseCompose(await readFile(file, 'utf8')), randomSubnet())))
        continue
      }
      problems.push(`the lab did not come up: ${message}`)
      break
    }
  }
  const containers = await docker.projectContainers(project)
  const hostNames = Object.keys(scenario.hosts)
  // The servers first: the other programs start once these listen, and never start if they do not.
  const unready = (await Promise.all(hostNames.map((host) => untilListening(scenario, host, containers)))).filter((p) => p !== undefined)
  problems.push(...unready)
  const finishers = Object.entries(scenario.expect)
    .filter(([host, expectation]) => typeof expectation.exit === 'number' && containers.has(host) && !unready.length)
    .map(([host]) => host)
  // Each program's deadline counts from its own start: on a busy machine a host's sidecar can take seconds to
  // be ready, and that wait is not the program's.
  await Promise.all(finishers.map(async (host) => {
    const id = containers.get(host)!
    const startedAt = (await docker.waitForLogLine(id, START_MARK, PROGRAM_START_WAIT_MS)) ?? Date.now()
    const left = await docker.waitForExit([id], Math.max(0, startedAt + scenario.deadlineMs - Date.now()))
    if (left.length) problems.push(`${host} was still running at the ${scenario.deadlineMs / 1000} s deadline`)
  }))
  const endedAt = Date.now()

  // Stopping the sidecars makes them print the sockets still listening and their fault counters, and flush
  // their captures. Only a capture needs its sidecar to have exited (tcpdump then has written the whole pcap);
  // the others are read as soon as they have printed, and left to the teardown (about 0.1 s sooner).
  const capturing = (host: string) => captures(scenario, host, { captureAll })
  if (scenario.faults?.length || hostNames.some(capturing)) await sleep(TRAILING_PACKETS_MS)
  await Promise.all(hostNames.map(async (host) => {
    const sidecar = containers.get(sidecarName(host))
    if (!sidecar) return
    if (!capturing(host)) {
      await docker.signalContainer(sidecar, 'SIGTERM')
      if (await docker.waitForLogLine(sidecar, `lab-net[${host}]: counters`, SIDECAR_REPORT_MS)) return
    }
    await docker.stopContainers([sidecar], 3)
  }))

  const hosts: Record<string, HostRun> = {}
  let skipped: string | undefined
  const collect = Promise.all(hostNames.map(async (host) => {
    const id = containers.get(host)
    if (!id) return
    const hostRecord = hostRun(host, await docker.containerOutput(id), endedAt)
    const sidecarId = containers.get(sidecarName(host))
    if (sidecarId) {
      const sidecar = await docker.containerOutput(sidecarId)
      const net = readSidecarLog(sidecar.stdout.map((line) => line.text))
      hostRecord.faultCounters = net.counters
      hostRecord.address ??= net.address
      hostRecord.listening = net.listening
      skipped ??= net.skipped
      if (sidecar.exitCode !== null && sidecar.exitCode !== 0 && !net.counters) {
        problems.push(`the network sidecar of ${host} failed: ${sidecar.stderr.at(-1)?.text ?? `exit code ${sidecar.exitCode}`}`)
      }
      const pcap = capturing(host) ? await docker.readFileFrom(sidecarId, `/capture/${host}.pcap`) : undefined
      if (pcap) hostRecord.packets = await readPcap(pcap)
      if (pcap && captureDir) await writeFile(path.join(captureDir, `${scenario.id}-${host}.pcap`), pcap)
      // A capped capture stopped on purpose: what it did not write was never meant to be kept.
      if (net.captureLost && !net.captureCapped) problems.push(`the capture of ${host} missed ${net.captureLost} packets`)
    }
    hosts[host] = hostRecord
  }))
  await withDeadline(collect, COLLECT_DEADLINE_MS, 'collect output').catch((error: Error) => problems.push(error.message))
  return { hosts, problems, skipped }
}

/** Waits until a listening host's sidecar saw its port open; what went wrong otherwise, in words. */
async function untilListening(scenario: Scenario, host: string, containers: Map<string, string>): Promise<string | undefined> {
  const port = scenario.hosts[host].listens
  const program = containers.get(host)
  const sidecar = containers.get(sidecarName(host))
  if (port === undefined || !program || !sidecar) return undefined
  const done = new AbortController()
  const started = performance.now()
  try {
    const opened = docker.waitForLogLine(sidecar, `lab-net[${host}]: port ${port} open`, LISTEN_DEADLINE_MS, done.signal).then((at) => at !== undefined)
    const exited = docker.waitForExit([program], LISTEN_DEADLINE_MS, done.signal).then((running) => running.length === 0)
    const first = await Promise.race([opened.then((open) => (open ? 'open' : 'late')), exited.then((gone) => (gone ? 'exited' : 'late'))])
    if (first === 'open') return undefined
    if (first === 'late') return `${host} was not listening on port ${port} after ${formatMs(performance.now() - started)}`
    // It may have opened the port just before it exited: its sidecar looks every 20 ms.
    if (await Promise.race([opened, sleep(250).then(() => false)])) return undefined
    return `${host} exited before it listened on port ${port}`
  } finally {
    done.abort()
  }
}

/** What a sidecar reported: its fault counters when it stopped, and why it skipped a fault, if it did. */
export interface SidecarReport {
  address?: string
  counters?: Record<string, number>
  skipped?: string
  /** Sockets listening in the host when the lab ended, as `address:port/proto`. */
  listening?: string[]
  /** Packets tcpdump saw but did not write (its closing statistics), when there were any. */
  captureLost?: number
  /** The capture reached its cap (`100000 packets`, `64 MiB`) and stopped before the lab ended. */
  captureCapped?: string
}

export function readSidecarLog(lines: string[]): SidecarReport {
  const result: SidecarReport = {}
  for (const line of lines) {
    const stats = line.match(/: tcpdump ended .*?(\d+) packets captured (\d+) packets received by filter (\d+) packets dropped/)
    if (stats) {
      const lost = Number(stats[2]) - Number(stats[1]) + Number(stats[3])
      if (lost > 0) result.captureLost = lost
    }
    const listening = line.match(/^lab-net\[[\w-]+\]: listening (\[.*\])$/)
    if (listening) result.listening = JSON.parse(listening[1]) as string[]
    result.address ??= line.match(/^lab-net\[[\w-]+\]: address ([\d.]+)$/)?.[1]
    const counters = line.match(/^lab-net\[[\w-]+\]: counters (\{.*\})$/)
    if (counters) result.counters = JSON.parse(counters[1]) as Record<string, number>
    result.captureCapped ??= line.match(/^lab-net\[[\w-]+\]: capture capped at (.+?): /)?.[1]
    const skip = line.match(/^lab-net\[[\w-]+\]: skip: (.*)$/)
    if (skip) result.skipped ??= skip[1]
  }
  return result
}

/** Re-bases a container's output on the moment its program started (the lab-run mark). */
export function hostRun(host: string, output: docker.ContainerOutput, endedAt: number): HostRun {
  const mark = output.stderr.find((line) => line.text.startsWith(START_MARK))
  const zero = mark?.at ?? output.stdout[0]?.at ?? endedAt
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
