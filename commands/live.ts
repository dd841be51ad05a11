// What the live-lab commands share: the --lab option, and finding the lab and host a command names.
import { errors } from '../engine/model/errors.ts'
import { loadCatalog, selectScenarios } from '../engine/plan/catalog.ts'
import { chooseLiveLab, type LiveLab } from '../engine/plan/live-lab.ts'
import * as docker from '../engine/runtime/docker.ts'
import { liveHosts, type LiveHost } from '../engine/runtime/live.ts'
import type { OptionSpec } from './table.ts'

export const LAB = {
  type: 'string',
  value: 'NAME',
  help: 'which live lab (default: the only one up; `lab ps` lists them)',
} satisfies OptionSpec

/** The live lab and its host that a command names. */
export async function chooseHost(
  labName: string | undefined,
  hostName: string | undefined,
): Promise<{ lab: LiveLab; host: LiveHost; hosts: Map<string, LiveHost> }> {
  if (!hostName) throw errors.usage('name a host of the lab (e.g. client)')
  const lab = await chooseLiveLab(labName)
  await docker.preflight()
  const hosts = await liveHosts(lab, await hostNamesOf(lab))
  const host = hosts.get(hostName)
  if (!host) throw errors.noHost(lab.name, hostName, [...hosts.keys()])
  return { lab, host, hosts }
}

/** The hosts of a live lab's scenario (from its compose file's program services). */
export async function hostNamesOf(lab: LiveLab): Promise<string[]> {
  return Object.keys(selectScenarios(await loadCatalog(undefined, lab.params, [lab.scenario]), [lab.scenario])[0].hosts)
}
