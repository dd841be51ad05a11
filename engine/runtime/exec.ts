// Commands run inside a lab's containers with the Engine API (`docker exec`): a live lab's programs, its
// sidecars' control script, and a person's shell. Output lines are stamped as they arrive.
import { spawn } from 'node:child_process'
import { api } from './daemon.ts'
import { splitFrames } from './log-frames.ts'
import type { TimedLine } from './containers.ts'

export interface ExecOptions {
  /** Default: the container's own user. */
  user?: string
  env?: Record<string, string>
  /** Keep standard output as bytes (`Running.bytes`), not lines: a pcap. */
  raw?: boolean
}

/** A command running in a container: its lines so far, and its exit code once it ended. */
export interface Running {
  stdout: TimedLine[]
  stderr: TimedLine[]
  /** Standard output as it came, with `raw`. */
  bytes: Buffer[]
  /** Resolves with its exit code once it ended, or null when it was let go of (`release`). */
  ended: Promise<number | null>
  /** Stops reading it; the command itself runs on (a live lab's server keeps serving). */
  release(): void
  /** Resolves once more lines came (a waiter need not look every few milliseconds). */
  arrived?(): Promise<void>
}

/** Tells waiters that lines came: `arrived` for a Running, `notify` where its lines are pushed. */
export function arrivals(): { arrived: () => Promise<void>; notify: () => void } {
  let waiting: (() => void)[] = []
  return {
    arrived: () => new Promise<void>((resolve) => waiting.push(resolve)),
    notify: () => {
      const woken = waiting
      waiting = []
      for (const wake of woken) wake()
    },
  }
}

/** Starts `cmd` in a container and follows its output. */
export async function execIn(id: string, cmd: string[], options: ExecOptions = {}): Promise<Running> {
  const docker = await api()
  const exec = await docker.getContainer(id).exec({
    Cmd: cmd,
    AttachStdout: true,
    AttachStderr: true,
    ...(options.user ? { User: options.user } : {}),
    ...(options.env ? { Env: Object.entries(options.env).map(([name, value]) => `${name}=${value}`) } : {}),
  })
  const stream = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream & { destroy(): void }
  const lines = arrivals()
  const running: Running = {
    stdout: [],
    stderr: [],
    bytes: [],
    ended: Promise.resolve(null),
    release: () => stream.destroy(),
    arrived: lines.arrived,
  }
  // Frames without timestamps: none is taken for the continuation of a log line (frameReader's job).
  let rest: Buffer = Buffer.alloc(0)
  const read = (chunk: Buffer) => {
    const frames = splitFrames(Buffer.concat([rest, chunk]), { 1: false, 2: false })
    rest = frames.rest
    return frames
  }
  const pending = { stdout: '', stderr: '' }
  const take = (name: 'stdout' | 'stderr', text: string) => {
    pending[name] += text
    const cut = pending[name].lastIndexOf('\n') + 1
    if (!cut) return
    const at = Date.now()
    for (const line of pending[name].slice(0, cut - 1).split('\n')) running[name].push({ at, text: line })
    pending[name] = pending[name].slice(cut)
    lines.notify()
  }
  running.ended = new Promise((resolve) => {
    let released = false
    running.release = () => {
      released = true
      stream.destroy()
      resolve(null)
    }
    stream.on('data', (chunk: Buffer) => {
      const frames = read(chunk)
      if (options.raw) running.bytes.push(frames.stdout)
      else take('stdout', frames.stdout.toString('utf8'))
      take('stderr', frames.stderr.toString('utf8'))
    })
    const finish = async () => {
      if (released) return
      take('stdout', '\n'.repeat(pending.stdout ? 1 : 0))
      take('stderr', '\n'.repeat(pending.stderr ? 1 : 0))
      resolve((await exec.inspect().catch(() => undefined))?.ExitCode ?? null)
    }
    stream.on('end', finish)
    stream.on('close', finish)
    stream.on('error', finish)
  })
  return running
}

/** Runs `cmd` in a container to its end; its exit code and output. */
export async function execToEnd(
  id: string,
  cmd: string[],
  options: ExecOptions = {},
): Promise<{ exitCode: number | null; stdout: string[]; stderr: string[] }> {
  const running = await execIn(id, cmd, options)
  const exitCode = await running.ended
  return { exitCode, stdout: running.stdout.map((l) => l.text), stderr: running.stderr.map((l) => l.text) }
}

/** Runs the docker CLI attached to this terminal (a shell, a command whose input and output are the person's);
 * resolves with its exit code, which `docker exec` passes through from the command. */
export function dockerAttached(
  args: string[],
  stdio: 'inherit' | ['inherit', 'pipe', 'inherit'] = 'inherit',
): { exited: Promise<number>; stdout?: NodeJS.ReadableStream } {
  const child = spawn('docker', args, { stdio })
  const exited = new Promise<number>((resolve) => {
    child.on('error', () => resolve(127))
    child.on('close', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1)))
  })
  return { exited, stdout: child.stdout ?? undefined }
}
