// The Docker daemon the lab talks to, found the way the docker CLI finds it (DOCKER_HOST, or the current context):
// its Engine API client, the Compose command, and the preflight that says in one line what is missing.
import { constants as fsConstants } from 'node:fs'
import { access, readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type Docker from 'dockerode'
import { $, which } from 'zx/core'
import { errors } from '../model/errors.ts'
import { deferUnusedModules } from './lazy-modules.ts'

/** Every command the runtime runs is quiet: what it prints is read, and reported in the lab's own words. */
export const sh = $({ quiet: true })

let client: Promise<Docker> | undefined

/** The Engine API client, for the same daemon the docker CLI uses (DOCKER_HOST, or the current context).
 * dockerode is loaded on first use (about 230 modules): a run asks for it while `docker compose up` works. */
export function api(): Promise<Docker> {
  client ??= (async () => {
    deferUnusedModules()
    const [{ default: Docker }, host] = await Promise.all([import('dockerode'), daemonHost()])
    return new Docker(await clientOptions(host))
  })()
  return client
}

/** How dockerode reaches a daemon address as DOCKER_HOST (or a context's endpoint) spells it: a Unix socket,
 * tcp:// (https with DOCKER_TLS_VERIFY=1 and the certificates of DOCKER_CERT_PATH, as the CLI), or ssh://user@host,
 * which dockerode tunnels itself (through the ssh agent of SSH_AUTH_SOCK). The compose CLI inherits the same
 * environment, so every command of the lab talks to one daemon. */
export async function clientOptions(host: string, env: NodeJS.ProcessEnv = process.env): Promise<Docker.DockerOptions> {
  const socket = socketPath(host)
  if (socket) return { socketPath: socket }
  const url = new URL(host.includes('//') ? host : `tcp://${host}`)
  if (url.protocol === 'ssh:') {
    return {
      protocol: 'ssh',
      host: url.hostname,
      port: Number(url.port || 22),
      username: decodeURIComponent(url.username) || undefined,
      sshOptions: { agent: env.SSH_AUTH_SOCK },
    }
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') throw errors.daemonAddress(host)
  const tls = env.DOCKER_TLS_VERIFY === '1' || url.protocol === 'https:'
  if (!tls) return { protocol: 'http', host: url.hostname, port: Number(url.port || 2375) }
  const certs = env.DOCKER_CERT_PATH ?? cliConfigDir()
  const read = (name: string) => readFile(path.join(certs, name))
  const [ca, cert, key] = await Promise.all([read('ca.pem'), read('cert.pem'), read('key.pem')])
  return { protocol: 'https', host: url.hostname, port: Number(url.port || 2376), ca, cert, key }
}

/** The daemon's Unix socket, when that is how it is reached (the usual case); undefined for TCP or SSH. */
export async function daemonSocket(): Promise<string | undefined> {
  return socketPath(await daemonHost())
}

/** The daemon's address as DOCKER_HOST spells it (an empty one is unset, as for the CLI); '' for the default socket. */
async function daemonHost(): Promise<string> {
  return process.env.DOCKER_HOST || (await contextHost())
}

/** The Unix socket of a daemon address ('' is the default one); undefined for a TCP or SSH address. */
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

/** The endpoint of the CLI's current context; '' for the default one. Asks the CLI (a process start) only when a
 * context other than the default is selected, which is rare on Linux and usual with Docker Desktop. */
async function contextHost(): Promise<string> {
  const config = await readCliConfig()
  const current = process.env.DOCKER_CONTEXT || config.currentContext || 'default'
  if (current === 'default') return ''
  const context = await sh`docker context inspect --format '{{.Endpoints.docker.Host}}'`.nothrow()
  return context.ok ? context.stdout.trim() : ''
}

/** Where the docker CLI looks for plugins, in its order (the first one found wins). */
const SYSTEM_PLUGIN_DIRS = [
  '/usr/local/lib/docker/cli-plugins',
  '/usr/local/libexec/docker/cli-plugins',
  '/usr/lib/docker/cli-plugins',
  '/usr/libexec/docker/cli-plugins',
]

let composeCommand: Promise<string[]> | undefined
/** The command that runs Compose: the plugin's own binary where the docker CLI would find it, else
 * `docker compose`. Running the binary directly skips the CLI asking the plugin for its metadata before
 * running it (docs/BENCHMARKS.md has the cost); the binary works standalone with the same options. */
export function compose(): Promise<string[]> {
  composeCommand ??= (async () => {
    const dirs = [
      ...((await readCliConfig()).cliPluginsExtraDirs ?? []),
      path.join(cliConfigDir(), 'cli-plugins'),
      ...SYSTEM_PLUGIN_DIRS,
    ]
    for (const dir of dirs) {
      const binary = path.join(dir, 'docker-compose')
      if (
        await access(binary, fsConstants.X_OK).then(
          () => true,
          () => false,
        )
      )
        return [binary]
    }
    return ['docker', 'compose']
  })()
  return composeCommand
}

/** Fails with a one-line fix when Docker, its daemon or Compose v2 is not usable. The checks run at once; their
 * failures are reported in the order a person fixes them. */
export async function preflight(): Promise<void> {
  const [cli, daemon, composeVersion] = await Promise.all([
    which('docker', { nothrow: true }),
    (async () => sh`docker version --format {{.Server.Version}}`.nothrow())().catch(() => undefined),
    // The plugin's own binary where there is one (compose()): it answers in a tenth of the time `docker compose` takes.
    (async () => sh`${await compose()} version --short`.nothrow())().catch(() => undefined),
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

/** The engine a docker context names, as a DOCKER_HOST URL (`docker context ls` lists the contexts). */
export async function namedContextHost(context: string): Promise<string> {
  const inspected = await sh`docker context inspect ${context} --format {{.Endpoints.docker.Host}}`.nothrow()
  if (!inspected.ok) throw errors.usage(`--engines: no docker context "${context}"; \`docker context ls\` lists them`)
  return inspected.stdout.trim()
}

/** The Docker Engine's version, for reports of where a measurement was made. */
export async function engineVersion(): Promise<string> {
  return (await (await api()).version()).Version
}
