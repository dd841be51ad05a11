// A live lab (`lab up`): a lab that outlives the command that brought it up, to explore (`lab shell`, `lab fault`)
// and to rerun programs in warm (`--watch`, `lab run --in`). What it is lives in a state folder, not in /tmp,
// whose run folders `lab clean` removes: its compose file, its staged submissions and lab.json.
import { planHosts } from './hosts.ts'
import { randomSeed } from './seeds.ts'
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { LABEL } from '../model/labels.ts'
import { errors } from '../model/errors.ts'
import type { Fault, Impl, Params, Scenario } from '../model/scenario.ts'
import type { ComposeFile } from './compose.ts'
import { IDLE_COMMAND } from './host-kinds.ts'
import { newRunId, projectName, type RunPlan } from './run-plan.ts'
import { sidecarName, type NetPlan } from '../../services/bin/protocol.ts'

/** SOCKET_LAB_STATE chooses another folder (the tests use a temporary one). */
export const LIVE_STATE_DIR =
  process.env.SOCKET_LAB_STATE ??
  path.join(process.env.XDG_STATE_HOME ?? path.join(os.homedir(), '.local', 'state'), 'socket-lab', 'labs')

export interface LiveLab {
  /** What a person types: the scenario's id, or id-2, id-3 when it is up already. */
  name: string
  project: string
  runId: string
  scenario: string
  impl: Impl
  params: Params
  image: string
  /** Submitted programs by host: the files the person gave. */
  submissions: Record<string, string>
  /** The faults in force: the scenario's, then those `lab fault` changed. */
  faults: Fault[]
  createdAt: number
}

const labDir = (name: string) => path.join(LIVE_STATE_DIR, name)
/** Where a host's sidecar serves its control commands (services/bin/control.ts): a folder of the lab's own, bound
 * into that sidecar alone. */
export const controlDir = (name: string, host: string) => path.join(labDir(name), 'control', host)
export const controlSocket = (name: string, host: string) => path.join(controlDir(name, host), CONTROL_SOCKET)
const CONTROL_SOCKET = 'ctl.sock'
const CONTROL_DIR_INSIDE = '/run/lab-control'
const recordFile = (name: string) => path.join(labDir(name), 'lab.json')

export async function saveLiveLab(lab: LiveLab): Promise<void> {
  await mkdir(labDir(lab.name), { recursive: true })
  await writeFile(recordFile(lab.name), `${JSON.stringify(lab, null, 2)}\n`)
}

export async function listLiveLabs(): Promise<LiveLab[]> {
  const names = await readdir(LIVE_STATE_DIR).catch(() => [] as string[])
  const labs = await Promise.all(
    names.map((name) =>
      readFile(recordFile(name), 'utf8').then(
        (text) => JSON.parse(text) as LiveLab,
        () => undefined,
      ),
    ),
  )
  return labs.filter((lab) => lab !== undefined).sort((a, b) => a.createdAt - b.createdAt)
}

export const forgetLiveLab = (name: string) => rm(labDir(name), { recursive: true, force: true })

/** The lab a command means: the one named, or the only one up. */
export async function chooseLiveLab(name: string | undefined): Promise<LiveLab> {
  const labs = await listLiveLabs()
  if (name !== undefined) {
    const lab = labs.find((l) => l.name === name)
    if (!lab)
      throw errors.noLiveLab(
        name,
        labs.map((l) => l.name),
      )
    return lab
  }
  if (labs.length === 1) return labs[0]
  if (!labs.length) throw errors.noLiveLab(undefined, [])
  throw errors.usage(`${labs.length} labs are up (${labs.map((l) => l.name).join(', ')}): say which with --lab NAME`)
}

/** A name not taken yet: the scenario's id, else id-2, id-3... */
export async function freeLabName(scenario: string): Promise<string> {
  const taken = new Set((await listLiveLabs()).map((lab) => lab.name))
  if (!taken.has(scenario)) return scenario
  for (let n = 2; ; n++) if (!taken.has(`${scenario}-${n}`)) return `${scenario}-${n}`
}

/** The run plan of a live lab: the state folder instead of a temporary one. */
export async function planLiveLab(
  scenario: Scenario,
  options: { name: string; image: string; impl: Impl; captureAll?: boolean; seed?: number },
): Promise<RunPlan> {
  const runId = newRunId()
  const seed = options.seed ?? randomSeed()
  const workDir = labDir(options.name)
  // The lab's folder is its owner's alone; its sidecars' control folders inside it are open to them, whose root
  // may hold no right over a folder of this user's (no CAP_DAC_OVERRIDE), to make their socket in.
  await mkdir(workDir, { recursive: true, mode: 0o700 })
  await Promise.all(
    Object.keys(scenario.hosts).map(async (host) => {
      await mkdir(controlDir(options.name, host), { recursive: true })
      await chmod(controlDir(options.name, host), 0o777)
    }),
  )
  return {
    scenario,
    impl: options.impl,
    image: options.image,
    runId,
    project: projectName(scenario.id, runId),
    workDir,
    composeFile: path.join(workDir, 'compose.yml'),
    submissions: {},
    entries: {},
    captureAll: options.captureAll ?? false,
    live: true,
    hosts: planHosts(scenario, { captureAll: options.captureAll, live: true, seed }),
    seed,
    stopEarly: true,
  }
}

/** The same plan for a lab already up (a warm run): its project, its folder, the scenario as it is now, and the
 * run's own seed: each warm run applies its faults afresh (`fresh`), drawn from it. */
export function planOfLiveLab(lab: LiveLab, scenario: Scenario, seed: number): RunPlan {
  const workDir = labDir(lab.name)
  return {
    scenario,
    impl: lab.impl,
    image: lab.image,
    runId: lab.runId,
    project: lab.project,
    workDir,
    composeFile: path.join(workDir, 'compose.yml'),
    submissions: {},
    entries: {},
    live: true,
    stopEarly: true,
    captureAll: Object.keys(lab.submissions).length > 0,
    hosts: planHosts(scenario, {
      captureAll: Object.keys(lab.submissions).length > 0,
      submissions: lab.submissions,
      live: true,
      seed,
    }),
    seed,
  }
}

/** A run's compose file made live: every program container idles (`sleep infinity`, as PID 2 under init) so that
 * programs start and stop with `docker exec` while the host's network namespace, owned by that container, stays;
 * sidecars capture nothing (`lab capture` and warm runs capture on demand), announce nothing (their control
 * commands do) and serve those commands on a socket in the lab's folder; everything carries the live label with
 * the lab's name. */
export function liveCompose(compose: ComposeFile, hosts: string[], name: string): ComposeFile {
  const services = Object.fromEntries(
    Object.entries(compose.services).map(([service, spec]) => {
      const labels = { ...spec.labels, [LABEL.live]: name }
      if (hosts.includes(service))
        return [service, { ...spec, entrypoint: IDLE_COMMAND.slice(0, 1), command: IDLE_COMMAND.slice(1), labels }]
      const host = hosts.find((h) => sidecarName(h) === service)
      if (!host || !spec.environment?.LAB_NET) return [service, { ...spec, labels }]
      const {
        capture: _capture,
        listens: _listens,
        waitFor: _waitFor,
        ...plan
      } = JSON.parse(spec.environment.LAB_NET) as NetPlan
      return [
        service,
        {
          ...spec,
          environment: {
            ...spec.environment,
            LAB_NET: JSON.stringify(plan),
            LAB_CTL_SOCKET: `${CONTROL_DIR_INSIDE}/${CONTROL_SOCKET}`,
          },
          volumes: [
            ...((spec.volumes as string[] | undefined) ?? []),
            `${controlDir(name, host)}:${CONTROL_DIR_INSIDE}`,
          ],
          labels,
        },
      ]
    }),
  )
  const labelled = (declared: Record<string, Record<string, unknown>> = {}) =>
    Object.fromEntries(
      Object.entries(declared).map(([key, resource]) => [
        key,
        { ...resource, labels: { ...(resource.labels as object), [LABEL.live]: name } },
      ]),
    )
  return { ...compose, services, networks: labelled(compose.networks), volumes: labelled(compose.volumes) }
}
