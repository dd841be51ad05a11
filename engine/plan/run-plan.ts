// One run of one scenario, resolved before anything starts: who it is (project, run id), what it runs (image,
// implementation, submissions staged in its own folder) and what it keeps (captures). The runtime brings exactly
// this up. A project's name and its run folder's are built here, and read back apart only here (`lab clean`
// finds a killed run's folder by its name, the soak its runs' leftovers by their run id).
import { randomBytes } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { errors } from '../model/errors.ts'
import type { Impl, Scenario } from '../model/scenario.ts'
import { planHosts, type HostPlan } from './hosts.ts'
import { randomSeed } from './seeds.ts'
import { stageSubmission, type StagedSubmission } from './submission.ts'

/** The temporary folder of a run is `<tmp>/socket-lab-run-<project>-XXXXXX`, so `lab clean` finds a killed run's. */
export const RUN_DIR_PREFIX = 'socket-lab-run-'
/** Every compose project of the lab is `socketlab-<scenario>-<run id>`. */
const PROJECT_PREFIX = 'socketlab-'

/** A run id: base 36 time, then hex; never a `-`, so a project name splits at its last one. */
const RUN_ID = '[a-z0-9]+'

/** The compose project of a run: `socketlab-<scenario>-<run id>`. */
export const projectName = (scenarioId: string, runId: string) => `${PROJECT_PREFIX}${scenarioId}-${runId}`

/** The scenario and run id of a project that `projectName` named. */
export function runOfProject(project: string): { scenario: string; runId: string } | undefined {
  const match = project.match(new RegExp(`^${PROJECT_PREFIX}(.+)-(${RUN_ID})$`))
  return match ? { scenario: match[1], runId: match[2] } : undefined
}

/** The scenario and run id of a run folder, `socket-lab-run-<project>-XXXXXX` (mkdtemp's six characters). */
export function runOfFolder(name: string): { scenario: string; runId: string } | undefined {
  const match = name.match(/^(.+)-[A-Za-z0-9]{6}$/)
  return name.startsWith(RUN_DIR_PREFIX) && match ? runOfProject(match[1].slice(RUN_DIR_PREFIX.length)) : undefined
}

export interface RunOptions {
  /** The lab image, as ensureLabImage returned it. */
  image: string
  impl?: Impl
  /** Programs to run in place of the reference ones, by host: paths to a student's files. */
  submissions?: Record<string, string>
  /** For a submission that is a folder, by host: the name of its entry point (engine/plan/submission.ts). */
  entries?: Record<string, string>
  /** Capture every host, and keep each capture as DIR/<scenario>-<host>.pcap. */
  captureDir?: string
  /** Capture every host (for a report's packet diagram), without keeping the files. */
  captureAll?: boolean
  /** The image of each `image` or `build` host, as engine/runtime/host-images.ts made sure it exists. */
  hostImages?: Record<string, string>
  /** Every random fault draws from this seed (`--seed`); a run given none draws one of its own and reports it. */
  seed?: number
  /** False: wait for every deadline, even when nothing can change before it (engine/runtime/stalls.ts). */
  stopEarly?: boolean
}

export interface RunPlan {
  scenario: Scenario
  impl: Impl
  image: string
  runId: string
  project: string
  /** The run's own temporary folder: its compose file and staged submissions. */
  workDir: string
  composeFile: string
  /** Submitted programs by host, staged in workDir. */
  submissions: Record<string, StagedSubmission>
  /** Capture every host, whatever the scenario asks: --capture DIR, a report, or submitted programs to hint at. */
  captureAll: boolean
  /** Where each host's pcap is kept, when the user asked for them. */
  captureDir?: string
  /** The image of each `image` or `build` host. */
  hostImages?: Record<string, string>
  /** Folder submissions' entry points, by host (RunOptions.entries). */
  entries: Record<string, string>
  /** A live lab's (`lab up`): every host keeps a program container, where `lab shell`, `lab exec` and warm runs go. */
  live?: boolean
  /** Every host, resolved once (hosts.ts). */
  hosts: HostPlan[]
  /** The seed every random fault of the run draws from (engine/plan/seeds.ts): the same seed and the same packets
   * give the same decisions. */
  seed: number
  /** Stop a run once nothing can change before its deadline (RunOptions.stopEarly). */
  stopEarly: boolean
}

export function newRunId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
}

/** Names the run and makes its folder. Stage submissions into it with `stageSubmissions` (the caller owns the
 * folder from here: its teardown removes it). */
export async function planRun(scenario: Scenario, options: RunOptions): Promise<RunPlan> {
  const runId = newRunId()
  const project = projectName(scenario.id, runId)
  const seed = options.seed ?? randomSeed()
  const workDir = await mkdtemp(path.join(os.tmpdir(), `${RUN_DIR_PREFIX}${project}-`))
  // Submissions are captured too: the hints tell a wrong host from a wrong port by what reached the wire.
  const captureAll =
    options.captureAll === true || options.captureDir !== undefined || Object.keys(options.submissions ?? {}).length > 0
  return {
    scenario,
    impl: options.impl ?? 'ts',
    image: options.image,
    runId,
    project,
    workDir,
    composeFile: path.join(workDir, 'compose.yml'),
    submissions: {},
    captureAll,
    captureDir: options.captureDir,
    hostImages: options.hostImages ?? {},
    entries: options.entries ?? {},
    hosts: planHosts(scenario, { captureAll, submissions: options.submissions, seed }),
    seed,
    stopEarly: options.stopEarly !== false,
  }
}

/** Copies each submitted program into the run's folder; a host the scenario lacks is a usage error. */
export async function stageSubmissions(plan: RunPlan, sources: Record<string, string>): Promise<void> {
  const { scenario } = plan
  // A scenario's own `run: { file }` hosts are staged as submissions are; a file given for the host wins.
  const declared = Object.entries(scenario.hosts).flatMap(([host, spec]) =>
    spec.run && 'file' in spec.run ? [[host, spec.run.file]] : [],
  )
  for (const [host, source] of [...declared.filter(([host]) => !(host in sources)), ...Object.entries(sources)]) {
    if (!(host in scenario.hosts))
      throw errors.usage(
        `${scenario.id} has no host "${host}" to run ${source} in (hosts: ${Object.keys(scenario.hosts).join(', ')})`,
      )
    plan.submissions[host] = await stageSubmission(host, source, plan.workDir, plan.entries[host])
  }
}
