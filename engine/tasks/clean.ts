// `lab clean`: removes what killed runs left behind (found by label), never a lab another process is still
// running, and, when asked, lab images of older services/ digests that no container uses.
import { readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import * as docker from '../runtime/docker.ts'
import { LAB_IMAGE, servicesHash } from '../runtime/image.ts'
import { BUILD_IMAGE } from '../plan/host-kinds.ts'
import { runOfFolder } from '../plan/run-plan.ts'
import { liveRunIds } from '../runtime/live-runs.ts'
import { describeLeftovers } from '../runtime/teardown.ts'

export interface CleanReport {
  removed: docker.Leftover[]
  /** Resources of runs still in progress in another process: left alone. */
  inUse: docker.Leftover[]
  /** Resources Docker refused to remove (Docker 20.10 can keep counting endpoints on a network with no
   * container left, moby/moby#42119, until the daemon restarts). */
  failed: docker.Leftover[]
  removedImages: string[]
  /** Stale image tags Docker refused to remove because a container still uses them. */
  keptImages: string[]
}

/** Cleans leftovers of every scenario, or only of the named ones. */
export async function clean(options: { images?: boolean; scenarios?: string[] } = {}): Promise<CleanReport> {
  const live = await liveRunIds()
  const scopes = options.scenarios?.length ? options.scenarios.map((scenario) => ({ scenario })) : [{}]
  const found = (await Promise.all(scopes.map((scope) => docker.findLeftovers(scope)))).flat()
  const inUse = found.filter((l) => live.has(l.runId))
  const removable = found.filter((l) => !live.has(l.runId))
  await docker.removeLeftovers(removable)
  const stillThere = new Set((await docker.findLeftovers()).map((l) => `${l.kind} ${l.name}`))
  const isThere = (l: docker.Leftover) => stillThere.has(`${l.kind} ${l.name}`)
  const report: CleanReport = {
    removed: removable.filter((l) => !isThere(l)),
    inUse,
    failed: removable.filter(isThere),
    removedImages: [],
    keptImages: [],
  }
  // A run killed outright (SIGKILL) also leaves its temporary folder behind.
  for (const name of await readdir(os.tmpdir()).catch(() => [] as string[])) {
    const run = runOfFolder(name)
    if (!run || live.has(run.runId) || (options.scenarios?.length && !options.scenarios.includes(run.scenario)))
      continue
    await rm(path.join(os.tmpdir(), name), { recursive: true, force: true })
    report.removed.push({ kind: 'folder', name: path.join(os.tmpdir(), name), runId: run.runId })
  }
  if (options.images) {
    for (const tag of staleLabImages(await docker.imageTags(LAB_IMAGE), await servicesHash())) {
      if (await docker.removeImageTag(tag)) report.removedImages.push(tag)
      else report.keptImages.push(tag)
    }
    // Images built from scenarios' `build` folders: cached by content, rebuilt on the next run that needs one.
    for (const tag of await docker.imageTags(BUILD_IMAGE)) {
      if (await docker.removeImageTag(tag)) report.removedImages.push(tag)
      else report.keptImages.push(tag)
    }
  }
  return report
}

/** Lab image tags of other services/ digests. `latest` (for `docker compose up` by hand), the current digest
 * and the base images are never stale. Another checkout may use an older digest: it rebuilds in seconds. */
export function staleLabImages(tags: string[], currentHash: string): string[] {
  const keep = new Set([`${LAB_IMAGE}:latest`, `${LAB_IMAGE}:${currentHash}`])
  return tags.filter((tag) => tag.startsWith(`${LAB_IMAGE}:`) && !keep.has(tag))
}

export function describeClean(report: CleanReport): string[] {
  const lines = [
    report.removed.length
      ? `removed ${describeLeftovers(report.removed)}`
      : report.failed.length
        ? 'removed nothing'
        : 'nothing to clean',
  ]
  if (report.failed.length) {
    lines.push(
      `could not remove ${describeLeftovers(report.failed)}: Docker refused (\`docker network rm\` or \`docker volume rm\` says why; a network that "has active endpoints" with no container on it is cleared by restarting the Docker daemon)`,
    )
  }
  if (report.inUse.length) {
    const projects = new Set(report.inUse.map((l) => l.runId))
    lines.push(
      `left ${report.inUse.length} resources of ${projects.size} run(s) still in progress (run ids ${[...projects].join(', ')})`,
    )
  }
  if (report.removedImages.length) lines.push(`removed stale images ${report.removedImages.join(', ')}`)
  if (report.keptImages.length) lines.push(`kept images still used by a container: ${report.keptImages.join(', ')}`)
  return lines
}
