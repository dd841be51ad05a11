// The container engine a lab runs on, as one interface (containerlab's ContainerRuntime is the model): what a run
// asks of containers, projects and images, whatever answers. Docker (its Engine API for containers and files,
// Compose v2 for projects) is the one kind today; another engine (Podman's Docker-compatible API, a Swarm, an
// engine that cannot see this machine's files) is another implementation of this interface, not a branch in
// the run. The rest of the runtime reaches containers through `containerEngine()`.
import * as docker from './docker.ts'

export type { ContainerOutput, Running, TimedLine, ExecOptions } from './docker.ts'

export interface ContainerEngine {
  readonly kind: 'docker'
  /** Fails with the user's error when the engine cannot run a lab here. */
  preflight(): Promise<void>
  version(): Promise<string>

  /** Brings a compose project up (its containers created and started) within `deadlineMs`. */
  up(project: string, file: string, projectDir: string, deadlineMs: number): Promise<void>
  /** A project's containers, by service name. */
  containers(project: string): Promise<Map<string, string>>
  /** A project's containers with their state, as a live lab is found again from another process. */
  services(project: string): Promise<docker.ProjectService[]>

  output(id: string): Promise<docker.ContainerOutput>
  /** The ids still running once every one exited, the deadline passed or `signal` aborted. */
  waitForExit(ids: string[], timeoutMs: number, signal?: AbortSignal): Promise<string[]>
  waitForLine(
    id: string,
    matches: (text: string) => boolean,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<number | undefined>
  signal(id: string, signal: NodeJS.Signals): Promise<void>
  stop(ids: string[], graceSeconds: number): Promise<void>
  readFile(id: string, file: string): Promise<Buffer | undefined>
  exec(id: string, cmd: string[], options?: docker.ExecOptions): Promise<docker.Running>
  /** Each whole line a container prints, as it prints it, until `signal` aborts or it ends. */
  follow(
    id: string,
    onLine: (stream: 'stdout' | 'stderr', line: docker.TimedLine) => void,
    signal: AbortSignal,
  ): Promise<void>
}

export const DOCKER: ContainerEngine = {
  kind: 'docker',
  preflight: docker.preflight,
  version: docker.engineVersion,
  up: docker.composeUp,
  containers: docker.projectContainers,
  services: docker.projectServices,
  output: (id) => docker.containerOutput(id),
  waitForExit: docker.waitForExit,
  waitForLine: docker.waitForLine,
  signal: docker.signalContainer,
  stop: docker.stopContainers,
  readFile: docker.readFileFrom,
  exec: docker.execIn,
  follow: docker.followLines,
}

let chosen: ContainerEngine = DOCKER

/** The engine this process runs its labs on. */
export const containerEngine = (): ContainerEngine => chosen

/** Runs this process's labs on another engine (an implementation of ContainerEngine). */
export function useContainerEngine(engine: ContainerEngine): void {
  chosen = engine
}

/** Runs a command in a container to its end; its exit code and output. */
export async function execToEnd(
  id: string,
  cmd: string[],
  options: docker.ExecOptions = {},
): Promise<{ exitCode: number | null; stdout: string[]; stderr: string[] }> {
  const running = await containerEngine().exec(id, cmd, options)
  const exitCode = await running.ended
  return { exitCode, stdout: running.stdout.map((l) => l.text), stderr: running.stderr.map((l) => l.text) }
}
