// Compose projects: a lab comes up with `docker compose up` and, where the Engine API could not remove it all,
// goes with `docker compose down`. The commands run in their own process group (see OWN_PROCESS_GROUP).
import type { ProcessPromise } from 'zx/core'
import { EXIT, LabError, lastLine } from '../model/errors.ts'
import { api, compose, sh } from './daemon.ts'

const COMPOSE_PROJECT = 'com.docker.compose.project'
const COMPOSE_SERVICE = 'com.docker.compose.service'

/** Docker commands run in their own process group: a Ctrl-C at the terminal then reaches only the lab, which
 * stops them in order (a pending `up` first, then a full `down`) instead of having a `down` killed halfway. */
const OWN_PROCESS_GROUP = { detached: true } as const

/** `docker compose up` commands still running, by project, so a teardown can stop them before its `down`. */
const upsInFlight = new Map<string, ProcessPromise>()

export async function composeUp(project: string, file: string, projectDir: string, timeoutMs: number): Promise<void> {
  const up = sh({
    ...OWN_PROCESS_GROUP,
    timeout: timeoutMs,
    nothrow: true,
  })`${await compose()} -p ${project} -f ${file} --project-directory ${projectDir} up -d --no-build --pull never`
  upsInFlight.set(project, up)
  void api().catch(() => undefined) // loads the Engine API client meanwhile: the run reads everything back through it
  const result = await up.finally(() => upsInFlight.delete(project))
  if (result.ok) return
  if (result.signal)
    throw new LabError(`bringing the lab up took longer than ${Math.round(timeoutMs / 1000)} s`, EXIT.failed)
  throw new LabError(lastLine(result.stderr), EXIT.failed)
}

/** Stops a `docker compose up` of this project that is still running, and waits until it has exited: a `down`
 * that races a live `up` can miss the containers the `up` creates after it. */
export async function stopComposeUp(project: string): Promise<void> {
  const up = upsInFlight.get(project)
  const pid = up?.child?.pid
  if (!up || !pid) return
  try {
    process.kill(-pid, 'SIGTERM') // its whole process group: the shell and docker compose
  } catch {
    // it has just exited
  }
  await up.catch(() => undefined)
}

/** Removes a compose project: containers, networks, volumes. Returns what went wrong, in words, or undefined. */
export async function composeDown(
  project: string,
  file: string | undefined,
  timeoutMs: number,
): Promise<string | undefined> {
  const files = file ? ['-f', file] : []
  const result = await sh({
    ...OWN_PROCESS_GROUP,
    nothrow: true,
    timeout: timeoutMs,
  })`${await compose()} -p ${project} ${files} down --volumes --remove-orphans --timeout 1`
  if (result.ok) return undefined
  return result.signal
    ? `docker compose down took longer than ${Math.round(timeoutMs / 1000)} s`
    : `docker compose down failed: ${lastLine(result.stderr)}`
}

/** The containers of a compose project, by service name. */
export async function projectContainers(project: string): Promise<Map<string, string>> {
  const docker = await api()
  const list = await docker.listContainers({ all: true, filters: { label: [`${COMPOSE_PROJECT}=${project}`] } })
  return new Map(list.map((c) => [c.Labels[COMPOSE_SERVICE], c.Id]))
}

/** A container of a compose project as a live lab is found again: its service, whether it runs, its address. */
export interface ProjectService {
  id: string
  service: string
  running: boolean
  /** Its address on its first network; none for one in another's namespace. */
  address?: string
}

export async function projectServices(project: string): Promise<ProjectService[]> {
  const list = await (await api()).listContainers({ all: true, filters: { label: [`${COMPOSE_PROJECT}=${project}`] } })
  return list.map((c) => ({
    id: c.Id,
    service: c.Labels[COMPOSE_SERVICE],
    running: c.State === 'running',
    address: Object.values(c.NetworkSettings?.Networks ?? {})[0]?.IPAddress || undefined,
  }))
}
