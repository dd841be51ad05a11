// The one module that talks to Docker: the compose CLI for bringing labs up and down and for builds, the
// Engine API (dockerode) for everything read back. Everything it returns is plain data.
import { constants as fsConstants } from 'node:fs'
import { access, readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type Docker from 'dockerode'
import { $, which, type ProcessPromise } from 'zx/core'
import { EXIT, LabError, errors, lastLine } from '../model/errors.ts'
import { LABEL } from '../model/labels.ts'
import { frameReader, splitFrames } from './log-frames.ts'


$.quiet = true

const COMPOSE_PROJECT = 'com.docker.compose.project'
const COMPOSE_SERVICE = 'com.docker.compose.service'

/** Docker commands run in their own process group: a Ctrl-C at the terminal then reaches only the lab, which
 * stops them in order (a pending `up` first, then a full `down`) instead of having a `down` killed halfway. */
const OWN_PROCESS_GROUP = { detached: true } as const

/** `docker compose up` commands still running, by project, so a teardown can stop them before its `down`. */
const upsInFlight = new Map<string, ProcessPromise>()

let client: Promise<Docker> | undefined

/** The Engine API client, for the same daemon the docker CLI uses (DOCKER_HOST, or the current context).
 * dockerode is loaded on first use (about 230 modules): a run asks for it while `docker compose up` works. */
function api(): Promise<Docker> {
  client ??= (async () => {
    const [{ default: Docker }, host] = await Promise.all([import('dockerode'), daemonHost()])
    const socket = socketPath(host)
    return socket
      ? new Docker({ socketPath: socket })
      : new Docker({ host: new URL(host).hostname, port: Number(new URL(host).port || 2375) })
  })()
  return client
}

/** The daemon's address as DOCKER_HOST spells it; '' for the default socket. */
async function daemonHost(): Promise<string> {
  return process.env.DOCKER_HOST ?? (await contextHost())
}

/** The Unix socket of a daemon address ('' is the default one); undefined for a TCP address. */
function socketPath(host: string): string | undefined {
  if (!host) return '/var/run/docker.sock'
  return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined
}

const cliConfigDir = () => process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker')

interface CliConfig {
  currentContext?: string
  cliPluginsExtraDirs?: string[]
}

let cliConfig: Promise<CliConfig> | undefined
/** The docker CLI's config.json; empty where there is none. */
function readCliConfig(): Promise<CliConfig> {
  cliConfig ??= readFile(path.join(cliConfigDir(), 'config.json'), 'utf8').then(JSON.parse, () => ({}))
  return cliConfig
}

/** The endpoint of the CLI's current context; '' for the default one. Asks the CLI (about 50 ms) only when a
 * context other than the default is selected, which is rare on Linux and usual with Docker Desktop. */
async function contextHost(): Promise<string> {
  const config = await readCliConfig()
  const current = process.env.DOCKER_CONTEXT || config.currentContext || 'default'
  if (current === 'default') return ''
  const context = await $`docker context inspect --format '{{.Endpoints.docker.Host}}'`.nothrow()
  return context.ok ? context.stdout.trim() : ''
}

/** Where the docker CLI looks for plugins, in its order (the first one found wins). */
const SYSTEM_PLUGIN_DIRS = ['/usr/local/lib/docker/cli-plugins', '/usr/local/libexec/docker/cli-plugins', '/usr/lib/docker/cli-plugins', '/usr/libexec/docker/cli-plugins']

let composeCommand: Promise<string[]> | undefined
/** The command that runs Compose: the plugin's own binary where the docker CLI would find it, else
 * `docker compose`. Running the binary directly skips the CLI asking the plugin for its metadata before
 * running it, about 75 ms a command; the binary works standalone with the same options. */
function compose(): Promise<string[]> {
  composeCommand ??= (async () => {
    const dirs = [...((await readCliConfig()).cliPluginsExtraDirs ?? []), path.join(cliConfigDir(), 'cli-plugins'), ...SYSTEM_PLUGIN_DIRS]
    for (const dir of dirs) {
      const binary = path.join(dir, 'docker-compose')
      if (await access(binary, fsConstants.X_OK).then(() => true, () => false)) return [binary]
    }
    return ['docker', 'compose']
  })()
  return composeCommand
}

/** Fails with a one-line fix when Docker, its daemon or Compose v2 is not usable. The checks are three CLI
 * commands at once (about 0.1 s); their failures are reported in the order a person fixes them. */
export async function preflight(): Promise<void> {
  const [cli, daemon, composeVersion] = await Promise.all([
    which('docker', { nothrow: true }),
    (async () => $`docker version --format {{.Server.Version}}`.nothrow())().catch(() => undefined),
    (async () => $`docker compose version --short`.nothrow())().catch(() => undefined),
    compose(), // found now, so that bringing the lab up does not wait for it
  ])
  if (!cli) throw errors.dockerCliMissing()
  if (!daemon?.ok) {
    if (/permission denied/i.test(daemon?.stderr ?? '')) {
      const host = await daemonHost()
      throw errors.socketPermission(socketPath(host) ?? host)
    }
    throw errors.daemonDown()
  }
  if (!composeVersion?.ok || !/^v?[2-9]\d*\./.test(composeVersion.stdout.trim())) throw errors.composeMissing()
}

/** The Docker Engine's version, for reports of where a measurement was made. */
export async function engineVersion(): Promise<string> {
  return (await (await api()).version()).Version
}

// ---- compose projects ----

export async function composeUp(project: string, file: string, projectDir: string, timeoutMs: number): Promise<void> {
  const up = $({ ...OWN_PROCESS_GROUP, timeout: timeoutMs, nothrow: true })`${await compose()} -p ${project} -f ${file} --project-directory ${projectDir} up -d --no-build --pull never`
  upsInFlight.set(project, up)
  void api().catch(() => undefined) // loads the Engine API client meanwhile: the run reads everything back through it
  const result = await up.finally(() => upsInFlight.delete(project))
  if (result.ok) return
  if (result.signal) throw new LabError(`bringing the lab up took longer than ${Math.round(timeoutMs / 1000)} s`, EXIT.failed)
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
export async function composeDown(project: string, file: string | undefined, timeoutMs: number): Promise<string | undefined> {
  const files = file ? ['-f', file] : []
  const result = await $({ ...OWN_PROCESS_GROUP, nothrow: true, timeout: timeoutMs })`${await compose()} -p ${project} ${files} down --volumes --remove-orphans --timeout 1`
  if (result.ok) return undefined
  return result.signal ? `docker compose down took longer than ${Math.round(timeoutMs / 1000)} s` : `docker compose down failed: ${lastLine(result.stderr)}`
}

/** The containers of a compose project, by service name. */
export async function projectContainers(project: string): Promise<Map<string, string>> {
  const docker = await api()
  const list = await docker.listContainers({ all: true, filters: { label: [`${COMPOSE_PROJECT}=${project}`] } })
  return new Map(list.map((c) => [c.Labels[COMPOSE_SERVICE], c.Id]))
}

/** Waits until every container exits, the deadline passes or `signal` aborts; returns the ids still running. */
export async function waitForExit(ids: string[], timeoutMs: number, signal?: AbortSignal): Promise<string[]> {
  const docker = await api()
  const pending = new Set(ids)
  const stop = AbortSignal.any([AbortSignal.timeout(Math.max(0, Math.round(timeoutMs))), ...(signal ? [signal] : [])])
  const stopped = new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }))
  const exits = Promise.all(ids.map(async (id) => {
    const waited = await docker.getContainer(id).wait({ abortSignal: stop }).then(() => true, () => false)
    if (waited) pending.delete(id)
  }))
  await Promise.race([exits, stopped])
  return [...pending]
}

/** Sends a container's main process a signal, without waiting for anything; a container already gone is fine. */
export async function signalContainer(id: string, signal: NodeJS.Signals): Promise<void> {
  await (await api()).getContainer(id).kill({ signal }).catch(() => undefined)
}

/** Stops containers gracefully (SIGTERM, then SIGKILL after `graceSeconds`), all at once. */
export async function stopContainers(ids: string[], graceSeconds: number): Promise<void> {
  const docker = await api()
  await Promise.all(ids.map((id) => docker.getContainer(id).stop({ t: graceSeconds }).catch(() => undefined)))
}

/** One file out of a container, running or stopped; undefined when it does not exist. */
export async function readFileFrom(id: string, file: string): Promise<Buffer | undefined> {
  const archive = await (await api()).getContainer(id).getArchive({ path: file }).catch(() => undefined)
  if (!archive) return undefined
  const { default: tarStream } = await import('tar-stream')
  return new Promise((resolve, reject) => {
    const extract = tarStream.extract()
    const chunks: Buffer[] = []
    extract.on('entry', (_header, stream, next) => {
      stream.on('data', (chunk: unknown) => void chunks.push(chunk as Buffer))
      stream.on('end', next)
    })
    extract.on('finish', () => resolve(Buffer.concat(chunks)))
    extract.on('error', reject)
    archive.pipe(extract)
  })
}

export interface ContainerOutput {
  /** The container's address on its first network (none for a sidecar that shares another's). */
  address?: string
  /** false for a container that was created but never started (the lab stopped coming up before it). */
  started: boolean
  exitCode: number | null
  /** Epoch milliseconds; null while running. */
  finishedAt: number | null
  stdout: TimedLine[]
  stderr: TimedLine[]
  /** The log was longer than the engine reads (LOG_READ_CAP_BYTES): what follows the cap is left unread. */
  logTruncated?: boolean
}

export interface TimedLine {
  /** Epoch milliseconds (with fractions) at which the daemon received the line. */
  at: number
  text: string
}

/** The most of a container's log the engine reads. A program prints at most 1 MiB (lab-limit.ts) and Docker
 * keeps at most 16 MiB of it (docker-compose.yml `logging`); whatever a program finds to write to, the lab's
 * memory holds no more than this of it. */
export const LOG_READ_CAP_BYTES = 8 * 1024 * 1024

/** A container's log so far, multiplexed, stopping at `cap` bytes; `truncated` when there was more. */
async function boundedLog(container: Docker.Container, cap: number): Promise<{ log: Buffer; truncated: boolean }> {
  const stream = await new Promise<NodeJS.ReadableStream & { destroy(): void }>((resolve, reject) => container.modem.dial({
    path: `/containers/${container.id}/logs?`,
    method: 'GET',
    isStream: true, // dockerode buffers the whole log otherwise
    statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
    options: { stdout: true, stderr: true, timestamps: true, follow: false },
  }, (error: Error | null, data: NodeJS.ReadableStream & { destroy(): void }) => error ? reject(error) : resolve(data)))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const done = (truncated: boolean) => resolve({ log: Buffer.concat(chunks).subarray(0, cap), truncated })
    stream.on('data', (chunk: Buffer) => {
      if (size > cap) return
      chunks.push(chunk)
      size += chunk.length
      if (size > cap) {
        stream.destroy()
        done(true)
      }
    })
    stream.on('end', () => done(false))
    stream.on('error', reject)
  })
}

export async function containerOutput(id: string, cap = LOG_READ_CAP_BYTES): Promise<ContainerOutput> {
  const container = (await api()).getContainer(id)
  const [info, { log, truncated }] = await Promise.all([container.inspect(), boundedLog(container, cap)])
  const running = info.State.Running
  const { stdout, stderr } = demuxLogs(log)
  const networks = Object.values(info.NetworkSettings.Networks ?? {})
  return {
    address: networks[0]?.IPAddress || undefined,
    started: !info.State.StartedAt.startsWith('0001-'),
    exitCode: running ? null : info.State.ExitCode,
    finishedAt: running ? null : Date.parse(info.State.FinishedAt),
    stdout: timedLines(stdout),
    stderr: timedLines(stderr),
    logTruncated: truncated,
  }
}

/** Splits Docker's multiplexed log stream (8-byte frame headers: stream, 0, 0, 0, size) into stdout and stderr. */
export function demuxLogs(buffer: Buffer): { stdout: string; stderr: string } {
  const { stdout, stderr } = splitFrames(buffer)
  return { stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8') }
}

/** When a container printed a line starting with `prefix` (epoch ms), following its log as it is written;
 * undefined if it never started, ended without it, `timeoutMs` passed or `signal` aborted. */
export async function waitForLogLine(id: string, prefix: string, timeoutMs: number, signal?: AbortSignal): Promise<number | undefined> {
  const container = (await api()).getContainer(id)
  const info = await container.inspect().catch(() => undefined)
  if (!info || info.State.Status === 'created') return undefined
  const stream = (await container.logs({ follow: true, stdout: true, stderr: true, timestamps: true })) as NodeJS.ReadableStream & { destroy(): void }
  return new Promise((resolve) => {
    const read = frameReader()
    let text = ''
    let bytes = 0
    const finish = (at: number | undefined) => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', abort)
      stream.destroy()
      resolve(at)
    }
    const timer = setTimeout(() => finish(undefined), timeoutMs)
    const abort = () => finish(undefined)
    if (signal?.aborted) return abort()
    signal?.addEventListener('abort', abort, { once: true })
    stream.on('data', (chunk: Buffer) => {
      // Whatever the program prints, no more than LOG_READ_CAP_BYTES is read; only the unfinished line is kept.
      bytes += chunk.length
      if (bytes > LOG_READ_CAP_BYTES) return finish(undefined)
      const frames = read(chunk)
      text += frames.stdout.toString('utf8') + frames.stderr.toString('utf8')
      const cut = text.lastIndexOf('\n') + 1
      const line = timedLines(text.slice(0, cut)).find((l) => l.text.startsWith(prefix))
      if (line) return finish(line.at)
      text = text.slice(cut)
    })
    stream.on('end', () => finish(undefined))
    stream.on('error', () => finish(undefined))
  })
}

/** Parses `2026-11-25T09:50:01.123456789Z text` lines as written with `timestamps: true`. */
export function timedLines(text: string): TimedLine[] {
  return text.split('\n').filter(Boolean).map((line) => {
    const space = line.indexOf(' ')
    const stamp = line.slice(0, space)
    const fraction = Number(`0.${stamp.slice(20, -1) || '0'}`)
    return { at: Date.parse(`${stamp.slice(0, 19)}Z`) + fraction * 1000, text: line.slice(space + 1) }
  })
}

// ---- leftovers ----

export interface Leftover {
  kind: 'container' | 'network' | 'volume' | 'folder'
  name: string
  /** The socket-lab.run label: which run created it. */
  runId: string
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
    ...containers.map((c) => ({ kind: 'container' as const, name: c.Names[0]?.replace(/^\//, '') ?? c.Id, runId: c.Labels[LABEL.run] })),
    ...networks.map((n) => ({ kind: 'network' as const, name: n.Name, runId: n.Labels?.[LABEL.run] ?? '' })),
    ...(volumes.Volumes ?? []).map((v) => ({ kind: 'volume' as const, name: v.Name, runId: v.Labels?.[LABEL.run] ?? '' })),
  ]
}

/** How long a network or volume removal is retried while Docker still counts it as in use. */
const IN_USE_RETRY_MS = 5000

/** Removes containers first, then networks and volumes (which Docker refuses to remove while in use). */
export async function removeLeftovers(found: Leftover[]): Promise<void> {
  const docker = await api()
  const named = (kind: Leftover['kind']) => found.filter((l) => l.kind === kind).map((l) => l.name)
  await Promise.all(named('container').map((name) => docker.getContainer(name).remove({ force: true, v: true }).catch(() => undefined)))
  await Promise.all(named('network').map((name) => whileInUse(() => docker.getNetwork(name).remove())))
  await Promise.all(named('volume').map((name) => whileInUse(() => docker.getVolume(name).remove())))
}

/** Retries a removal that Docker refuses because the thing is still in use. Under heavy load (15 labs on two
 * cores) the daemon releases a removed container's network endpoint after the removal returns, and a lab's
 * network was once left behind with no container on it ("has active endpoints"). Other failures end it. */
async function whileInUse(remove: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + IN_USE_RETRY_MS
  for (;;) {
    const error = await remove().then(() => undefined, (e: Error) => e)
    if (!error || !/active endpoints|in use/i.test(error.message) || Date.now() > deadline) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

// ---- images ----

/** Asks the CLI, not the Engine API: before a run, that spares loading the API client ahead of `up`. */
export async function imageExists(image: string): Promise<boolean> {
  return (await $({ nothrow: true })`docker image inspect --format {{.Id}} ${image}`).ok
}

export async function pullImage(image: string): Promise<boolean> {
  return (await $({ nothrow: true, timeout: 600_000 })`docker pull -q ${image}`).ok
}

export async function buildImage(context: string, tags: string[], buildArgs: Record<string, string>, labels: Record<string, string>, timeoutMs: number, network?: 'none'): Promise<void> {
  const args = [
    ...(network ? ['--network', network] : []),
    ...Object.entries(buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
    ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
  ]
  // --force-rm: a failed step must not leave its container behind.
  const result = await $({ nothrow: true, timeout: timeoutMs })`docker build -q --force-rm ${args} ${tags.flatMap((tag) => ['-t', tag])} ${context}`
  if (result.ok) return
  if (result.signal) throw errors.imageBuildFailed('docker build', `it did not finish within ${Math.round(timeoutMs / 1000)} s`)
  const failed = failedBuildStep(result.stderr)
  throw errors.imageBuildFailed(failed.step, failed.detail)
}

/** The step a `docker build` failed at, and its last words, from the build log (which `-q` still prints on
 * failure): "Step 3/4 : RUN apt-get install …", "E: Unable to locate package … (exit code 100)". */
export function failedBuildStep(log: string): { step: string; detail: string } {
  // eslint-disable-next-line no-control-regex
  const lines = log.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((line) => line.trim()).filter(Boolean)
  const stepAt = lines.findLastIndex((line) => /^Step \d+\/\d+ : /.test(line))
  if (stepAt < 0) return { step: 'docker build', detail: lastLine(log) }
  const step = lines[stepAt]
  const verdict = lines.at(-1)!
  const exit = verdict.match(/returned a non-zero code: (\d+)$/)
  const said = lines.slice(stepAt + 1, -1).filter((line) => !line.startsWith('---> ') && !line.startsWith('Removing intermediate'))
  if (!exit) return { step, detail: verdict }
  return { step, detail: said.length ? `${said.at(-1)} (exit code ${exit[1]})` : `exit code ${exit[1]}` }
}

/** Every tag of an image repository, e.g. socket-lab-host:latest and socket-lab-host:<digest>. */
export async function imageTags(repository: string): Promise<string[]> {
  const images = await (await api()).listImages({ filters: { reference: [repository] } })
  return images.flatMap((image) => image.RepoTags ?? []).filter((tag) => tag.startsWith(`${repository}:`))
}

/** Removes one tag. Docker refuses while any container, even a stopped one, uses the image: that is the point. */
export async function removeImageTag(tag: string): Promise<boolean> {
  return (await api()).getImage(tag).remove({ force: false, noprune: false }).then(() => true, () => false)
}

export async function importImage(tarball: string, tag: string, changes: string[]): Promise<void> {
  const result = await $({ nothrow: true })`docker import ${changes.flatMap((c) => ['--change', c])} ${tarball} ${tag}`
  if (!result.ok) throw errors.imageBuildFailed('docker import', lastLine(result.stderr))
}
