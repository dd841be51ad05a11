// Live labs in Docker: bringing one up so that it outlives this process, finding its containers again from another
// process (`lab shell`, `lab fault`...), asking its sidecars (services/bin/control.ts), and taking it down.
import { existsSync } from 'node:fs'
import { LabError, EXIT, errors } from '../model/errors.ts'
import type { Fault, Scenario } from '../model/scenario.ts'
import { netPlans } from '../plan/faults.ts'
import { randomSeed } from '../plan/seeds.ts'
import { controlSocket, liveCompose, planLiveLab, saveLiveLab, forgetLiveLab, type LiveLab } from '../plan/live-lab.ts'
import { stageSubmissions } from '../plan/run-plan.ts'
import { parseEvent, sidecarName } from '../../services/bin/protocol.ts'
import { controlCommand } from './control.ts'
import type * as docker from './docker.ts'
import { containerEngine } from './engine.ts'
import { eventOf, own, up, type Lab } from './lab.ts'
import { tearDownLab } from './teardown.ts'

/** How long a sidecar may take to set its host's network up once its container started. */
const SIDECAR_READY_MS = 30_000

/** The containers of one host of a live lab. */
export interface LiveHost {
  name: string
  program: string
  /** Absent for a host inside another's namespace. */
  sidecar?: string
  /** Its address on the lab's network. */
  address?: string
  /** Its sidecar's control socket, when this machine has it (services/bin/control.ts). */
  control?: string
}

/** Brings a scenario's lab up with idle programs and records it; an interruption or a failure meanwhile removes it. */
export async function upLiveLab(
  scenario: Scenario,
  options: { name: string; image: string; impl: LiveLab['impl']; submissions: Record<string, string> },
): Promise<LiveLab> {
  const plan = await planLiveLab(scenario, { ...options, captureAll: false })
  const { down, release } = await own(plan)
  try {
    await stageSubmissions(plan, options.submissions)
    const lab = await up(plan, down, (compose) => liveCompose(compose, Object.keys(scenario.hosts), options.name))
    if (lab.problems.length) throw new LabError(lab.problems.map((problem) => problem.text).join('; '), EXIT.failed)
    const unready = await untilSidecarsReady(lab)
    if (unready.length) throw new LabError(unready.join('; '), EXIT.failed)
    const record: LiveLab = {
      name: options.name,
      project: plan.project,
      runId: plan.runId,
      scenario: scenario.id,
      impl: options.impl,
      params: scenario.params ?? {},
      image: options.image,
      submissions: options.submissions,
      faults: scenario.faults ?? [],
      createdAt: Date.now(),
    }
    await saveLiveLab(record)
    return record
  } catch (error) {
    await down()
    throw error
  } finally {
    release()
  }
}

/** Until every sidecar has set its host's network up (its `ready`): `compose up` returns once the containers
 * started, and a warm run's reset that came before lab-net.ts applied the faults would find them applied twice
 * (a second loss rule: udp-loss's warm run lost far more than 30 % in CI once). What went wrong, in words. */
async function untilSidecarsReady(lab: Lab): Promise<string[]> {
  const problems: string[] = []
  await Promise.all(
    lab.hosts
      .filter((host) => host.sidecar)
      .map(async (host) => {
        let failed: string | undefined
        const at = await eventOf(
          host.sidecar!,
          (event) => event.kind === 'ready' || (event.kind === 'failed' && ((failed = event.error), true)),
          SIDECAR_READY_MS,
        )
        if (failed !== undefined) problems.push(`${host.name}'s network could not be set up: ${failed}`)
        else if (at === undefined)
          problems.push(`${host.name}'s network was not set up after ${SIDECAR_READY_MS / 1000} s`)
      }),
  )
  return problems
}

/** The hosts of a live lab, by name, as its containers are now; a lab whose containers are gone is an error. */
export async function liveHosts(lab: LiveLab, hostNames: string[]): Promise<Map<string, LiveHost>> {
  const containers = await containerEngine().services(lab.project)
  if (!containers.length) throw errors.labGone(lab.name)
  const of = (service: string) => containers.find((c) => c.service === service)
  return new Map(
    hostNames
      .filter((name) => of(name))
      .map((name) => [
        name,
        {
          name,
          program: of(name)!.id,
          sidecar: of(sidecarName(name))?.id,
          address: of(name)!.address,
          control: existsSync(controlSocket(lab.name, name)) ? controlSocket(lab.name, name) : undefined,
        },
      ]),
  )
}

/** Whether the lab's containers still run, for `lab ps`. */
export async function liveState(lab: LiveLab): Promise<'up' | 'gone' | 'partly down'> {
  const containers = await containerEngine().services(lab.project)
  if (!containers.length) return 'gone'
  return containers.every((c) => c.running) ? 'up' : 'partly down'
}

/** Starts one of the sidecar's control commands (services/bin/control.ts) and follows its events. */
export async function sidecarCommand(host: LiveHost, args: string[]): Promise<docker.Running> {
  if (!host.sidecar) throw errors.usage(`host ${host.name} shares another host's network: change that host instead`)
  return controlCommand(host.sidecar, host.control, args)
}

/** Gives a live lab `faults` from now on: every host's sidecar is reset and given its new plan (a fault cleared from
 * one host leaves nothing behind, the others keep theirs), and the lab's record says so. A person's fault in a live
 * lab is no run to rerun: its draws come from a seed of its own. Returns the record as saved. */
export async function setLiveFaults(lab: LiveLab, names: string[], faults: Fault[]): Promise<LiveLab> {
  const hosts = await liveHosts(lab, names)
  const plans = netPlans(
    { hosts: Object.fromEntries(names.map((h) => [h, { program: '' }])), faults },
    { seed: randomSeed() },
  )
  await Promise.all(
    [...hosts.values()]
      .filter((host) => host.sidecar)
      .map((host) => sidecarControl(host, ['reset', JSON.stringify(plans[host.name] ?? {})])),
  )
  const saved = { ...lab, faults }
  await saveLiveLab(saved)
  return saved
}

/** Runs one of the sidecar's control commands to its end; its events, or the failure it reported. */
export async function sidecarControl(host: LiveHost, args: string[]): Promise<string[]> {
  const running = await sidecarCommand(host, args)
  const exitCode = await running.ended
  const stdout = running.stdout.map((line) => line.text)
  if (exitCode !== 0) {
    const failed = stdout.map(parseEvent).find((event) => event?.kind === 'failed')
    throw new LabError(
      `${host.name}: ${failed?.kind === 'failed' ? failed.error : (running.stderr.at(-1)?.text ?? `lab-ctl exited with ${exitCode}`)}`,
      EXIT.failed,
    )
  }
  return stdout
}

/** Removes a live lab and forgets it; what could not be removed, in words. */
export async function downLiveLab(lab: LiveLab): Promise<string[]> {
  const left = await tearDownLab({ project: lab.project, runId: lab.runId })
  if (!left.length) await forgetLiveLab(lab.name)
  return left
}
