// What runs left behind, found by the lab's labels and removed through the Engine API.
import { LABEL } from '../model/labels.ts'
import { api } from './daemon.ts'

export interface Leftover {
  kind: 'container' | 'network' | 'volume' | 'folder'
  name: string
  /** The socket-lab.run label: which run created it. */
  runId: string
  /** A container's: the networks it is attached to, and the container whose namespace it joined (a sidecar's). */
  networks?: string[]
  joins?: string
  id?: string
}

/** Every container, network and volume that carries a socket-lab run label: of one run, or of one scenario. */
export async function findLeftovers(only: { runId?: string; scenario?: string } = {}): Promise<Leftover[]> {
  const docker = await api()
  const label = [only.runId ? `${LABEL.run}=${only.runId}` : LABEL.run]
  if (only.scenario) label.push(`${LABEL.scenario}=${only.scenario}`)
  const filters = { label }
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ])
  return [
    ...containers.map((c) => ({
      kind: 'container' as const,
      name: c.Names[0]?.replace(/^\//, '') ?? c.Id,
      runId: c.Labels[LABEL.run],
      networks: Object.keys(c.NetworkSettings?.Networks ?? {}),
      joins: (c.HostConfig?.NetworkMode ?? '').match(/^container:(.+)$/)?.[1],
      id: c.Id,
    })),
    ...networks.map((n) => ({ kind: 'network' as const, name: n.Name, runId: n.Labels?.[LABEL.run] ?? '' })),
    ...(volumes.Volumes ?? []).map((v) => ({
      kind: 'volume' as const,
      name: v.Name,
      runId: v.Labels?.[LABEL.run] ?? '',
    })),
  ]
}

/** How long a network or volume removal is retried while Docker still counts it as in use. */
const IN_USE_RETRY_MS = 5000

/** Removes containers first, then networks and volumes (which Docker refuses to remove while in use). A network
 * goes as soon as the containers on it (and the sidecars in their namespaces) are gone, not after every container of
 * the lab: Docker removes one bridge at a time, each about 0.1 s, and a lab of three networks waited for all three
 * after its last container. */
export async function removeLeftovers(found: Leftover[]): Promise<void> {
  const docker = await api()
  const containers = found.filter((l) => l.kind === 'container')
  const removed = new Map(
    containers.map((c) => [
      c,
      docker
        .getContainer(c.name)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    ]),
  )
  const named = (kind: Leftover['kind']) => found.filter((l) => l.kind === kind).map((l) => l.name)
  await Promise.all(
    named('network').map(async (name) => {
      await Promise.all(containersOn(name, containers).map((c) => removed.get(c)))
      await whileInUse(() => docker.getNetwork(name).remove())
    }),
  )
  await Promise.all(removed.values())
  await Promise.all(named('volume').map((name) => whileInUse(() => docker.getVolume(name).remove())))
}

/** The containers a network's removal waits for: those attached to it and those in their namespaces; every one
 * when a container's networks are not known. */
export function containersOn(network: string, containers: Leftover[]): Leftover[] {
  if (containers.some((c) => c.networks === undefined)) return containers
  const attached = containers.filter((c) => c.networks!.includes(network))
  const ids = new Set(attached.flatMap((c) => [c.id, c.name]))
  return [...attached, ...containers.filter((c) => c.joins !== undefined && ids.has(c.joins))]
}

/** Retries a removal that Docker refuses because the thing is still in use. Under heavy load (15 labs on two
 * cores) the daemon releases a removed container's network endpoint after the removal returns, so a lab's network
 * with no container left on it can still be refused ("has active endpoints") for a moment. Other failures end it. */
async function whileInUse(remove: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + IN_USE_RETRY_MS
  for (;;) {
    const error = await remove().then(
      () => undefined,
      (e: Error) => e,
    )
    if (!error || !/active endpoints|in use/i.test(error.message) || Date.now() > deadline) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
