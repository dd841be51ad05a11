// The lab image: one image for every host, built from services/. Online it starts from the official Node
// image; where no registry is reachable it starts from a Debian base built here with mmdebstrap, once.
import { createHash } from 'node:crypto'
import type { Dirent } from 'node:fs'
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { which } from 'zx/core'
import * as docker from './docker.ts'
import { errors, lastLine } from '../model/errors.ts'
import { SERVICES_DIR } from '../plan/layout.ts'
import { onInterrupt } from './teardown.ts'

/** `latest` serves `docker compose up` by hand; runs use the tag of their services/ digest, so two checkouts
 * with different programs never run each other's image. */
export const LAB_IMAGE = 'socket-lab-host'
export const ONLINE_BASE = 'node:24-bookworm-slim'
/** netcat-openbsd, wget, conntrack, procps: what a person uses inside a live lab (`lab shell`), and the reset of a
 * warm rerun (conntrack -F). iptables: its legacy backend is the only way to NFQUEUE on kernels without nft's queue (services/bin/lab-impair.py). */
const OFFLINE_PACKAGES = [
  'libstdc++6',
  'iproute2',
  'nftables',
  'iptables',
  'tcpdump',
  'python3',
  'passwd',
  'netcat-openbsd',
  'wget',
  'conntrack',
  'procps',
]
/** Tagged with the Node version copied into it and its package list, so a Node upgrade on the host or a new
 * package builds a new base (an older base would lack the package, and the image build has no network). */
export const OFFLINE_BASE = `socket-lab-base:bookworm-node${process.versions.node}-${createHash('sha256').update(OFFLINE_PACKAGES.join(',')).digest('hex').slice(0, 8)}`
const HASH_LABEL = 'socket-lab.services-hash'
/** A build that takes longer has hung (a stuck mirror, a full disk); the offline base downloads a few MB. */
export const BUILD_DEADLINE_MS = 10 * 60_000
export const OFFLINE_BASE_DEADLINE_MS = 15 * 60_000

export type Say = (line: string) => void

/** A digest of everything the image is built from, to rebuild only when services/ changed (or a build host's folder:
 * host-images.ts). A symbolic link counts by where it points, as Docker sends it in the build's context; one that
 * leaves the folder is refused: what it points at is no part of the build, and would not change its digest. */
export async function servicesHash(dir = SERVICES_DIR): Promise<string> {
  const hash = createHash('sha256')
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const paths = (wanted: (entry: Dirent) => boolean) =>
    entries.filter(wanted).map((e) => path.join(e.parentPath, e.name))
  const files = paths((e) => e.isFile())
  const links = paths((e) => e.isSymbolicLink())
  const contents = new Map(await Promise.all(files.map(async (file) => [file, await readFile(file)] as const)))
  for (const link of links) {
    const target = await readlink(link)
    const relative = path.relative(dir, path.resolve(path.dirname(link), target))
    if (relative.startsWith('..') || path.isAbsolute(relative))
      throw new Error(`${path.relative(dir, link)} links to ${target}, outside ${dir}`)
    contents.set(link, Buffer.from(`link to ${target}`))
  }
  for (const file of [...contents.keys()].sort())
    hash
      .update(path.relative(dir, file))
      .update('\0')
      .update(links.includes(file) ? 'l' : 'f')
      .update(contents.get(file)!)
      .update('\0')
  return hash.digest('hex').slice(0, 16)
}

/** The lab image of this checkout's services/, and whether the engine has it (`look` false: not asked). */
async function labImage(look: boolean): Promise<{ hash: string; image: string; present: boolean }> {
  const hash = await servicesHash()
  const image = `${LAB_IMAGE}:${hash}`
  return { hash, image, present: look && (await docker.imageExists(image)) }
}

let lookedFor: ReturnType<typeof labImage> | undefined
/** Starts looking for the lab image at once, for a command about to bring a lab up (`lab <scenario>`): the next
 * ensureLabImage takes the answer instead of asking again. The `docker image inspect` it costs (60–70 ms, mostly the
 * CLI's start) then runs while the preflight and the scenarios do, not after them. */
export function lookForLabImage(): void {
  lookedFor ??= labImage(true)
  lookedFor.catch(() => undefined) // a daemon that is down is the preflight's to report
}

/** Builds the lab image unless an up-to-date one exists, and returns its reference. One build at a time.
 * `dockerReady` (the preflight) runs alongside the first look for the image, and its failure comes first. */
export async function ensureLabImage(
  say: Say,
  options: { force?: boolean; offline?: boolean } = {},
  dockerReady: Promise<void> = Promise.resolve(),
): Promise<string> {
  const early = options.force ? undefined : lookedFor
  lookedFor = undefined
  const [, { hash, image, present }] = await Promise.all([dockerReady, early ?? labImage(!options.force)])
  if (present) return image
  // Missing: build it, unless another run is building it already (then it exists once the lock is ours).
  const { default: lockfile } = await import('proper-lockfile') // only when the image must be built
  const release = await lockfile.lock(SERVICES_DIR, {
    lockfilePath: path.join(os.tmpdir(), 'socket-lab-image.lock'),
    retries: { retries: 1200, minTimeout: 250, maxTimeout: 500 },
    stale: 30_000,
  })
  try {
    if (!options.force && (await docker.imageExists(image))) return image
    const base = await baseImage(say, options.offline ?? false)
    say(`building ${image} from ${base}`)
    // The offline base already holds every package: its build needs no network at all (not even Docker's default bridge).
    await docker.buildImage(
      SERVICES_DIR,
      [image, `${LAB_IMAGE}:latest`],
      { BASE_IMAGE: base },
      { [HASH_LABEL]: hash },
      BUILD_DEADLINE_MS,
      base === OFFLINE_BASE ? 'none' : undefined,
    )
    return image
  } finally {
    await release()
  }
}

async function baseImage(say: Say, offline: boolean): Promise<string> {
  if (!offline) {
    if (await docker.imageExists(ONLINE_BASE)) return ONLINE_BASE
    if (await docker.pullImage(ONLINE_BASE)) return ONLINE_BASE
  }
  if (await docker.imageExists(OFFLINE_BASE)) return OFFLINE_BASE
  say(`cannot pull ${ONLINE_BASE}: building ${OFFLINE_BASE} from Debian packages (once, about a minute)`)
  await buildOfflineBase(say)
  return OFFLINE_BASE
}

/** The apt mirror this machine already uses, so the offline base comes from the same place. */
export function debianMirror(sources: string[]): string | undefined {
  for (const text of sources) {
    const deb822 = text.match(/^URIs:\s*(\S+\/debian\/?)\s*$/m)
    if (deb822) return deb822[1]
    const oneLine = text.match(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian\/?)\s+bookworm\b/m)
    if (oneLine) return oneLine[1]
  }
  return undefined
}

async function aptSources(): Promise<string[]> {
  const dir = '/etc/apt/sources.list.d'
  const names = await readdir(dir).catch(() => [] as string[])
  const files = [
    ...names.filter((n) => n.endsWith('.sources') || n.endsWith('.list')).map((n) => path.join(dir, n)),
    '/etc/apt/sources.list',
  ]
  return Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => '')))
}

async function buildOfflineBase(say: Say): Promise<void> {
  if (process.platform !== 'linux' || !(await which('mmdebstrap', { nothrow: true })))
    throw errors.mmdebstrapMissing(ONLINE_BASE)
  const work = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-base-'))
  const removeWork = () => rm(work, { recursive: true, force: true })
  const forget = onInterrupt(async () => {
    await removeWork()
  }, `temporary files in ${work}`)
  try {
    const tarball = path.join(work, 'base.tar')
    const mirror = debianMirror(await aptSources())
    const started = Date.now()
    const result = await docker.sh({
      nothrow: true,
      timeout: OFFLINE_BASE_DEADLINE_MS,
    })`mmdebstrap --variant=minbase --include=${OFFLINE_PACKAGES.join(',')} \
      --dpkgopt=path-exclude=/usr/share/doc/* --dpkgopt=path-exclude=/usr/share/man/* --dpkgopt=path-exclude=/usr/share/info/* \
      --customize-hook=${`cp ${process.execPath} "$1"/usr/local/bin/node`} \
      --customize-hook=${'rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*'} \
      bookworm ${tarball} ${mirror ? [mirror] : []}`
    if (result.signal)
      throw errors.imageBuildFailed('mmdebstrap', `it did not finish within ${OFFLINE_BASE_DEADLINE_MS / 60_000} min`)
    if (!result.ok) throw errors.imageBuildFailed('mmdebstrap', lastLine(result.stderr))
    await docker.importImage(tarball, OFFLINE_BASE, [
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    ])
    say(`built ${OFFLINE_BASE} in ${Math.round((Date.now() - started) / 1000)} s`)
  } finally {
    await removeWork()
    forget()
  }
}
