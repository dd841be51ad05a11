// A host's capture: tcpdump in its sidecar, writing a pcap, within caps (a program that blasts datagrams must not
// fill the machine's disk). One command line and one set of caps for every capture: a cold run's (lab-net.ts, from
// the plan), and one asked for through the control command `capture start|stop ID` (control.ts) by a warm run or
// a person's `lab capture`, which the engine then reads as a file, as a cold run's.
import { spawn, type ChildProcess } from 'node:child_process'
import { statSync } from 'node:fs'
import { tcpdumpStats, type SidecarEvent } from './protocol.ts'

/** A capture holds at most this much. */
export const CAPTURE_MAX_PACKETS = 100_000
export const CAPTURE_MAX_BYTES = 64 * 1024 * 1024
/** tcpdump's kernel buffer, in KiB (its default is 2 MiB): under load a smaller one drops packets. */
export const CAPTURE_BUFFER_KIB = 8192
const CAPTURE_SIZE_POLL_MS = 100
/** How long tcpdump may take to flush and end once asked to. */
const CAPTURE_STOP_MS = 3000

/** tcpdump's command line, written once. A host on several networks: every interface in one file, each frame
 * naming its interface (LINUX_SLL2). -Z root: the sidecar's root has no CAP_KILL to signal tcpdump's own user. */
export function tcpdumpArgs(file: string, allInterfaces = false): string[] {
  const interfaces = allInterfaces ? ['-i', 'any', '-y', 'LINUX_SLL2'] : ['-i', 'eth0']
  return [
    ...interfaces,
    '-n',
    '--immediate-mode',
    '-U',
    '-s',
    '0',
    '-B',
    String(CAPTURE_BUFFER_KIB),
    '-c',
    String(CAPTURE_MAX_PACKETS),
    '-Z',
    'root',
    '-w',
    file,
  ]
}

/** How a capture ended: tcpdump's closing statistics (when it printed them), and its cap when it reached one. */
export interface CaptureEnd {
  stats?: { captured: number; received: number; dropped: number }
  capped?: string
  /** tcpdump's last words, when it printed no statistics. */
  said: string
}

export class Capture {
  readonly file: string
  readonly #tcpdump: ChildProcess
  #said = ''
  #capped: string | undefined
  #stopping = false
  readonly #closed: Promise<void>

  private constructor(file: string, tcpdump: ChildProcess) {
    this.file = file
    this.#tcpdump = tcpdump
    // 'close', not 'exit': its closing statistics may still be on their way from its standard error.
    this.#closed = new Promise((resolve) => tcpdump.once('close', () => resolve()))
    tcpdump.stderr!.on('data', (chunk: Buffer) => (this.#said += chunk.toString()))
  }

  /** Starts tcpdump and resolves once it captures. `endedEarly`: it ended before it was stopped, and not at its
   * packet cap (the host's interface went away: the program's container, which holds the namespace, exited). */
  static async start(
    file: string,
    options: { allInterfaces?: boolean; endedEarly?: (said: string) => void } = {},
  ): Promise<Capture> {
    const capture = new Capture(
      file,
      spawn('tcpdump', tcpdumpArgs(file, options.allInterfaces), { stdio: ['ignore', 'ignore', 'pipe'] }),
    )
    const tcpdump = capture.#tcpdump
    await new Promise<void>((resolve, reject) => {
      tcpdump.stderr!.on('data', () => capture.#said.includes('listening on') && resolve())
      tcpdump.once('exit', (code) => reject(new Error(`tcpdump exited with ${code}: ${capture.#said.trim()}`)))
    })
    void capture.#closed.then(() => {
      if (capture.#stopping) return
      if ((tcpdumpStats(capture.#said)?.captured ?? 0) >= CAPTURE_MAX_PACKETS)
        capture.#capped ??= `${CAPTURE_MAX_PACKETS} packets`
      else options.endedEarly?.(capture.lastWords())
    })
    const watch = setInterval(() => {
      if (tcpdump.exitCode !== null || tcpdump.signalCode !== null) return clearInterval(watch)
      if ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) <= CAPTURE_MAX_BYTES) return
      capture.#capped = `${CAPTURE_MAX_BYTES / 1024 / 1024} MiB`
      tcpdump.kill('SIGINT') // tcpdump flushes the pcap on SIGINT
      clearInterval(watch)
    }, CAPTURE_SIZE_POLL_MS)
    watch.unref()
    return capture
  }

  /** Stops tcpdump (it flushes the pcap on SIGINT) and says how the capture ended. */
  async stop(): Promise<CaptureEnd> {
    const tcpdump = this.#tcpdump
    if (tcpdump.exitCode === null && tcpdump.signalCode === null) {
      this.#stopping = true
      tcpdump.kill('SIGINT')
    }
    await Promise.race([this.#closed, new Promise((resolve) => setTimeout(resolve, CAPTURE_STOP_MS).unref())])
    const stats = tcpdumpStats(this.#said)
    return {
      ...(stats ? { stats } : {}),
      ...(this.#capped ? { capped: this.#capped } : {}),
      said: stats ? '' : this.lastWords(),
    }
  }

  lastWords(): string {
    return (
      this.#said.split('\n').filter(Boolean).at(-1) ??
      `no word (${this.#tcpdump.exitCode ?? this.#tcpdump.signalCode ?? 'running'})`
    )
  }
}

/** What a capture's end tells the engine: its statistics (or why there are none), and its cap, which the engine
 * reports as a note: what the pcap holds is the start of the run, whole. */
export function reportCaptureEnd(end: CaptureEnd, emit: (event: SidecarEvent) => void): void {
  if (end.stats) emit({ kind: 'capture-ended', ...end.stats })
  else emit({ kind: 'note', text: `tcpdump ended without its statistics: ${end.said}` })
  if (end.capped) emit({ kind: 'capture-capped', at: end.capped })
}
