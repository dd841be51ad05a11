// A lab that is up: its hosts, each a program container and the network sidecar in its namespace, which the run
// asks things of (logs, exits, files) instead of keeping a map of ids and a naming convention.
import { readFile, rm, writeFile } from 'node:fs/promises'
import { parseEvent, sidecarName, type SidecarEvent } from '../../services/bin/protocol.ts'
import { composeText, labCompose, parseCompose, randomSubnet, withSubnet, type ComposeFile } from '../plan/compose.ts'
import { COMPOSE_FILE, ROOT } from '../plan/layout.ts'
import { foreignProgramName, gateName, isForeign } from '../plan/host-kinds.ts'
import type { RunPlan } from '../plan/run-plan.ts'
import type { HostSpec } from '../model/scenario.ts'
import * as docker from './docker.ts'
import { markRunLive } from './live-runs.ts'
import { isStopping, onInterrupt, tearDownLab } from './teardown.ts'

/** How long `docker compose up` may take before the run gives up on it. */
export const UP_DEADLINE_MS = 90_000

/** Docker's answers when no subnet is left in its pools, or when the one the lab picked is taken. */
const POOL_EXHAUSTED = /could not find an available, non-overlapping IPv4 address pool|Pool overlaps with other one/
const SUBNET_TRIES = 8

/** One container of a lab, running or not. */
export class Container {
  readonly id: string
  constructor(id: string) {
    this.id = id
  }
  output(): Promise<docker.ContainerOutput> {
    return docker.containerOutput(this.id)
  }
  /** Resolves true once it exited, false at the deadline or on abort. */
  async exited(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return (await docker.waitForExit([this.id], timeoutMs, signal)).length === 0
  }
  /** When it printed a line that `matches` (epoch ms); undefined at the deadline, on abort, or once it ended. */
  line(matches: (text: string) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<number | undefined> {
    return docker.waitForLine(this.id, matches, timeoutMs, signal)
  }
  /** When its sidecar reported an event that `matches` (epoch ms), as `line`. */
  event(matches: (event: SidecarEvent) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<number | undefined> {
    return this.line((text) => {
      const event = parseEvent(text)
      return event !== undefined && matches(event)
    }, timeoutMs, signal)
  }
  signal(name: NodeJS.Signals): Promise<void> {
    return docker.signalContainer(this.id, name)
  }
  stop(graceSeconds: number): Promise<void> {
    return docker.stopContainers([this.id], graceSeconds)
  }
  readFile(file: string): Promise<Buffer | undefined> {
    return docker.readFileFrom(this.id, file)
  }
}

export interface LabHost {
  name: string
  spec: HostSpec
  /** Absent when the lab stopped coming up before it was created, and for a router that only routes (its sidecar
   * holds its namespace: engine/plan/compose.ts routesOnly). */
  program?: Container
  /** Absent for a host that runs inside another's namespace (`inside`), or that was never created. */
  sidecar?: Container
  /** For an `image` or `build` host: the lab-run that waited for the lab before its program started (host-kinds.ts). */
  gate?: Container
}

export class Lab {
  readonly plan: RunPlan
  readonly hosts: LabHost[]
  /** What went wrong bringing it up, in words. */
  readonly problems: string[]
  readonly #down: () => Promise<string[]>

  constructor(plan: RunPlan, hosts: LabHost[], problems: string[], down: () => Promise<string[]>) {
    this.plan = plan
    this.hosts = hosts
    this.problems = problems
    this.#down = down
  }

  host(name: string): LabHost | undefined {
    return this.hosts.find((host) => host.name === name)
  }

  /** Removes everything of the lab, its folder included; returns what could not be removed, in words. Once only. */
  down(): Promise<string[]> {
    return this.#down()
  }
}

/** Owns a run's resources from the moment its folder exists: `down()` removes whatever of it was created, on every
 * path, and an interruption (SIGINT, SIGTERM) runs it too. Call before anything else of the run can fail. */
export async function own(plan: RunPlan): Promise<{ down: () => Promise<string[]>; release: () => void }> {
  let tornDown: Promise<string[]> | undefined // an interruption and the normal path may both ask
  // Registered before the first await.
  const marked = markRunLive(plan.runId)
  const down = () => (tornDown ??= (async () => {
    const left = await tearDownLab({ project: plan.project, runId: plan.runId, file: plan.composeFile })
    await rm(plan.workDir, { recursive: true, force: true })
    await (await marked.catch(() => undefined))?.()
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
export async function up(plan: RunPlan, down: () => Promise<string[]>, shape: (compose: ComposeFile) => ComposeFile = (c) => c): Promise<Lab> {
  const compose = shape(labCompose(parseCompose(await readFile(COMPOSE_FILE, 'utf8')), plan.scenario, plan))
  await writeFile(plan.composeFile, composeText(compose))
  const problems: string[] = []
  for (let attempt = 1; ; attempt++) {
    try {
      await docker.composeUp(plan.project, plan.composeFile, ROOT, UP_DEADLINE_MS)
      break
    } catch (error) {
      const message = (error as Error).message
      // Docker's own address pools are used up (a class of labs at once): the lab picks a subnet itself; another
      // lab may take the same one first, hence a few tries.
      if (POOL_EXHAUSTED.test(message) && attempt <= SUBNET_TRIES) {
        // A lab of several networks draws all its subnets again (one subnet for all would join them).
        const redrawn = plan.scenario.networks
          ? labCompose(parseCompose(await readFile(COMPOSE_FILE, 'utf8')), plan.scenario, plan)
          : withSubnet(parseCompose(await readFile(plan.composeFile, 'utf8')), randomSubnet())
        await writeFile(plan.composeFile, composeText(redrawn))
        continue
      }
      problems.push(`the lab did not come up: ${message}`)
      break
    }
  }
  const ids = await docker.projectContainers(plan.project)
  const container = (service: string) => (ids.has(service) ? new Container(ids.get(service)!) : undefined)
  const hosts = Object.entries(plan.scenario.hosts).map(([name, spec]) => ({
    name,
    spec,
    program: container(isForeign(spec) ? foreignProgramName(name) : name),
    sidecar: container(sidecarName(name)),
    gate: container(gateName(name)),
  }))
  return new Lab(plan, hosts, problems, down)
}
