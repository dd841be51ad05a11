// Starts `npm run lab` as a user's terminal would, in its own process group, so a test can send the signals a
// terminal or a supervisor sends, and reads back what the lab left in Docker.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { $ } from 'zx'
import { ROOT } from '../engine/plan/layout.ts'

export const FIXTURE_SCENARIOS = path.join(ROOT, 'test/fixtures/scenarios')

export interface LabExit {
  code: number | null
  /** npm re-raises a signal its script died of on itself, so a shell sees 128 + the signal either way. */
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface LabProcess {
  /** The first process (npm, or the lab's own node), leader of the lab's process group. */
  pid: number
  exited: Promise<LabExit>
}

/** `npm run lab -- <args>`, or the lab's own process that npm starts, `node bin/socket-lab.mjs <args>` (which
 * reports the lab's exit code itself). */
export function startLab(
  args: string[],
  options: { via?: 'npm' | 'node'; env?: Record<string, string> } = {},
): LabProcess {
  const [command, ...prefix] =
    options.via === 'node' ? [process.execPath, 'bin/socket-lab.mjs'] : ['npm', 'run', '--silent', 'lab', '--']
  const child = spawn(command, [...prefix, ...args], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, NO_COLOR: '1', SOCKET_LAB_SCENARIOS: FIXTURE_SCENARIOS, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
  const exited = new Promise<LabExit>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  )
  return { pid: child.pid!, exited }
}

/** Every container, network and volume of a scenario's runs, as "kind name" lines. */
/** What is left of a scenario's labs: of every run of it, or of one run (`runId`), since other test files may be
 * running the same scenario meanwhile. */
export async function labResources(scenario: string, runId?: string): Promise<string[]> {
  const filter = runId ? `label=socket-lab.run=${runId}` : `label=socket-lab.scenario=${scenario}`
  const [containers, networks, volumes] = await Promise.all([
    $({ quiet: true })`docker ps -a --filter ${filter} --format {{.Names}}`,
    $({ quiet: true })`docker network ls --filter ${filter} --format {{.Name}}`,
    $({ quiet: true })`docker volume ls --filter ${filter} --format {{.Name}}`,
  ])
  return [
    ...containers.lines().map((n) => `container ${n}`),
    ...networks.lines().map((n) => `network ${n}`),
    ...volumes.lines().map((n) => `volume ${n}`),
  ]
}

export async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** True once a container of the scenario's lab, whose name ends with `-<service>-1`, has printed `text`. */
export async function containerPrinted(scenario: string, service: string, text: string): Promise<boolean> {
  const names = await $({ quiet: true })`docker ps --filter label=socket-lab.scenario=${scenario} --format {{.Names}}`
  const name = names.lines().find((n) => n.endsWith(`-${service}-1`))
  if (!name) return false
  const logs = await $({ quiet: true, nothrow: true })`docker logs ${name}`
  return logs.stdout.includes(text)
}
