// The images of a scenario's `image` and `build` hosts, made sure of before its lab comes up: a given image is
// used as it is on the engine (pulled once when missing); a `build` folder is built once per content, tagged
// socket-lab-build:<digest> and labelled, so that a rerun reuses it and `lab clean --images` finds it.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { errors } from '../model/errors.ts'
import type { HostSpec, Scenario } from '../model/scenario.ts'
import { BUILD_IMAGE, BUILD_LABEL } from '../plan/host-kinds.ts'
import * as docker from './docker.ts'
import { BUILD_DEADLINE_MS, servicesHash } from './image.ts'

/** Builds of one process, by tag: two scenarios of a run that build the same folder build it once. */
const building = new Map<string, Promise<void>>()

export async function ensureHostImages(scenario: Scenario): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(scenario.hosts).map(async ([host, spec]) => {
      if (spec.image) return [[host, await ensureGivenImage(host, spec.image)]]
      if (spec.build) return [[host, await ensureBuiltImage(host, spec.build)]]
      return []
    }),
  )
  return Object.fromEntries(entries.flat())
}

async function ensureGivenImage(host: string, image: string): Promise<string> {
  if ((await docker.imageExists(image)) || (await docker.pullImage(image))) return image
  throw errors.hostImageMissing(host, image)
}

/** A digest of the build's folder (its links by where they point), its Dockerfile's name and content wherever it
 * lives (one outside the folder is no part of the folder's digest), and its arguments. */
export async function buildTag(build: Exclude<HostSpec['build'], string | undefined>): Promise<string> {
  const dockerfile = await readFile(path.resolve(build.context, build.dockerfile ?? 'Dockerfile'))
  const hash = createHash('sha256')
    .update(await servicesHash(build.context))
    .update(build.dockerfile ?? 'Dockerfile')
    .update('\0')
    .update(dockerfile)
    .update('\0')
    .update(JSON.stringify(build.args ?? {}))
  return `${BUILD_IMAGE}:${hash.digest('hex').slice(0, 16)}`
}

async function ensureBuiltImage(host: string, spec: NonNullable<HostSpec['build']>): Promise<string> {
  const build = typeof spec === 'string' ? { context: spec } : spec
  const tag = await buildTag(build).catch((error: NodeJS.ErrnoException) => {
    throw errors.usage(
      `host "${host}" builds from "${build.context}", which cannot be read: ${error.code ?? error.message}`,
    )
  })
  if (await docker.imageExists(tag)) return tag
  if (!building.has(tag)) {
    const args = { ...build.args }
    const dockerfile = build.dockerfile ? path.resolve(build.context, build.dockerfile) : undefined
    // No network: a Dockerfile's RUN must not fetch what the lab then runs, nor send anything out of the machine.
    building.set(
      tag,
      docker
        .buildImage(build.context, [tag], args, { [BUILD_LABEL]: tag }, BUILD_DEADLINE_MS, 'none', dockerfile)
        .catch((error: Error) => {
          building.delete(tag)
          throw errors.hostBuildFailed(host, error.message)
        }),
    )
  }
  await building.get(tag)
  return tag
}
