// Containers of a running lab: their exits, signals, files and logs (read with a byte cap), as plain data.
import type Docker from 'dockerode'
import { api } from './daemon.ts'
import { frameReader, splitFrames } from './log-frames.ts'

/** Waits until every container exits, the deadline passes or `signal` aborts; returns the ids still running. */
export async function waitForExit(ids: string[], timeoutMs: number, signal?: AbortSignal): Promise<string[]> {
  const docker = await api()
  const pending = new Set(ids)
  const stop = AbortSignal.any([AbortSignal.timeout(Math.max(0, Math.round(timeoutMs))), ...(signal ? [signal] : [])])
  const stopped = new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }))
  const exits = Promise.all(
    ids.map(async (id) => {
      const waited = await docker
        .getContainer(id)
        .wait({ abortSignal: stop })
        .then(
          () => true,
          () => false,
        )
      if (waited) pending.delete(id)
    }),
  )
  await Promise.race([exits, stopped])
  return [...pending]
}

/** Sends a container's main process a signal, without waiting for anything; a container already gone is fine. */
export async function signalContainer(id: string, signal: NodeJS.Signals): Promise<void> {
  await (
    await api()
  )
    .getContainer(id)
    .kill({ signal })
    .catch(() => undefined)
}

/** Stops containers gracefully (SIGTERM, then SIGKILL after `graceSeconds`), all at once. */
export async function stopContainers(ids: string[], graceSeconds: number): Promise<void> {
  const docker = await api()
  await Promise.all(
    ids.map((id) =>
      docker
        .getContainer(id)
        .stop({ t: graceSeconds })
        .catch(() => undefined),
    ),
  )
}

/** One file out of a container, running or stopped; undefined when it does not exist. */
export async function readFileFrom(id: string, file: string): Promise<Buffer | undefined> {
  const archive = await (
    await api()
  )
    .getContainer(id)
    .getArchive({ path: file })
    .catch(() => undefined)
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
  /** Epoch milliseconds at which it started, by the daemon's clock (its log's). */
  startedAt?: number
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
  const stream = await new Promise<NodeJS.ReadableStream & { destroy(): void }>((resolve, reject) =>
    container.modem.dial(
      {
        path: `/containers/${container.id}/logs?`,
        method: 'GET',
        isStream: true, // dockerode buffers the whole log otherwise
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        options: { stdout: true, stderr: true, timestamps: true, follow: false },
      },
      (error: Error | null, data: NodeJS.ReadableStream & { destroy(): void }) =>
        error ? reject(error) : resolve(data),
    ),
  )
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
    startedAt: info.State.StartedAt.startsWith('0001-') ? undefined : Date.parse(info.State.StartedAt),
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

/** When a container printed a line that `matches` (epoch ms), following its log as it is written; undefined if it
 * never started, ended without one, `timeoutMs` passed or `signal` aborted. */
export async function waitForLine(
  id: string,
  matches: (text: string) => boolean,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<number | undefined> {
  const container = (await api()).getContainer(id)
  const info = await container.inspect().catch(() => undefined)
  if (!info || info.State.Status === 'created') return undefined
  const stream = (await container.logs({
    follow: true,
    stdout: true,
    stderr: true,
    timestamps: true,
  })) as NodeJS.ReadableStream & { destroy(): void }
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
      const line = timedLines(text.slice(0, cut)).find((l) => matches(l.text))
      if (line) return finish(line.at)
      text = text.slice(cut)
    })
    stream.on('end', () => finish(undefined))
    stream.on('error', () => finish(undefined))
  })
}

/** Parses `2026-11-25T09:50:01.123456789Z text` lines as written with `timestamps: true`. */
export function timedLines(text: string): TimedLine[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const space = line.indexOf(' ')
      const stamp = line.slice(0, space)
      const fraction = Number(`0.${stamp.slice(20, -1) || '0'}`)
      return { at: Date.parse(`${stamp.slice(0, 19)}Z`) + fraction * 1000, text: line.slice(space + 1) }
    })
}

/** Follows a container's log as it is written, calling `onLine` with each whole line (both streams, in order of
 * arrival), until `signal` aborts, the container ends, or LOG_READ_CAP_BYTES were read. */
export async function followLines(
  id: string,
  onLine: (stream: 'stdout' | 'stderr', line: TimedLine) => void,
  signal: AbortSignal,
): Promise<void> {
  const container = (await api()).getContainer(id)
  if (signal.aborted) return
  const stream = (await container.logs({
    follow: true,
    stdout: true,
    stderr: true,
    timestamps: true,
  })) as NodeJS.ReadableStream & { destroy(): void }
  await new Promise<void>((resolve) => {
    const read = frameReader()
    const pending = { stdout: '', stderr: '' }
    let bytes = 0
    const finish = () => {
      signal.removeEventListener('abort', finish)
      stream.destroy()
      resolve()
    }
    if (signal.aborted) return finish()
    signal.addEventListener('abort', finish, { once: true })
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length
      if (bytes > LOG_READ_CAP_BYTES) return finish()
      const frames = read(chunk)
      for (const name of ['stdout', 'stderr'] as const) {
        pending[name] += frames[name].toString('utf8')
        const cut = pending[name].lastIndexOf('\n') + 1
        if (!cut) continue
        for (const line of timedLines(pending[name].slice(0, cut))) onLine(name, line)
        pending[name] = pending[name].slice(cut)
      }
    })
    stream.on('end', finish)
    stream.on('error', finish)
  })
}
