// A live lab host's packets as they pass: tcpdump in its sidecar writes a pcap to its standard output, read here
// into the lab's own decoder (engine/judge/pcap-stream.ts), packet by packet. `lab capture` prints them; `lab ui`
// sends them to the page as the run goes, not once it is collected.
import { randomUUID } from 'node:crypto'
import { PassThrough, type Writable } from 'node:stream'
import { followPcap } from '../judge/pcap-stream.ts'
import type { Packet } from '../model/observations.ts'
import { api } from './daemon.ts'
import { execToEnd } from './exec.ts'

/** tcpdump flushes and ends on SIGINT; one that does not is let go of with what it wrote. */
const CAPTURE_STOP_MS = 3000
/** How long tcpdump may take to say it listens. */
const CAPTURE_READY_MS = 5000

export interface LiveCapture {
  /** Resolves once tcpdump said it listens (or after CAPTURE_READY_MS, or once it ended). */
  ready: Promise<void>
  /** Resolves once the capture ended, with tcpdump's exit code (null when it was let go of). */
  ended: Promise<number | null>
  /** Stops tcpdump (SIGINT: it flushes what it has), and resolves once what it wrote was read. */
  stop(): Promise<void>
}

/** Captures `sidecar`'s eth0 from now until `stop`; each packet goes to `onPacket` as it is read, the raw pcap to
 * `write` too, and what tcpdump says of itself ("listening on eth0", "12 packets captured") to `onNote`. */
export async function startLiveCapture(
  sidecar: string,
  onPacket: (packet: Packet) => void,
  options: { write?: Writable; onNote?: (text: string) => void } = {},
): Promise<LiveCapture> {
  const { write, onNote } = options
  const docker = await api()
  // `docker exec` passes no signal on: its pid, kept in the sidecar, lets `stop` end it. -Z root, because the
  // sidecar's root has no CAP_KILL to signal tcpdump's own user.
  const pidFile = `/run/lab-capture-${randomUUID()}.pid`
  const exec = await docker.getContainer(sidecar).exec({
    Cmd: ['sh', '-c', `echo $$ > ${pidFile}; exec tcpdump -i eth0 -n --immediate-mode -U -s 0 -Z root -w -`],
    AttachStdout: true,
    AttachStderr: true,
  })
  const stream = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream & { destroy(): void }
  const packets = new PassThrough()
  const errors = new PassThrough()
  docker.modem.demuxStream(stream, packets, errors)
  if (write) packets.pipe(write)
  const ready = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, CAPTURE_READY_MS)
    let said = ''
    let told = 0
    errors.on('data', (chunk: Buffer) => {
      said += chunk.toString()
      const whole = said.lastIndexOf('\n') + 1
      if (onNote && whole > told) for (const line of said.slice(told, whole - 1).split('\n')) onNote(line)
      told = Math.max(told, whole)
      if (said.includes('listening on')) {
        clearTimeout(timer)
        resolve()
      }
    })
    stream.once('end', () => {
      clearTimeout(timer)
      resolve()
    })
  })
  const read = followPcap(packets, onPacket)
  let letGo = false
  const ended = new Promise<number | null>((resolve) => {
    const finish = async () => {
      packets.end()
      errors.end()
      await read.catch(() => undefined) // every packet told before it says it ended
      resolve(letGo ? null : ((await exec.inspect().catch(() => undefined))?.ExitCode ?? null))
    }
    stream.once('end', finish)
    stream.once('close', finish)
    stream.once('error', finish)
  })
  let stopping: Promise<void> | undefined
  const stop = () =>
    (stopping ??= (async () => {
      await execToEnd(sidecar, ['sh', '-c', `kill -INT $(cat ${pidFile}) 2>/dev/null; rm -f ${pidFile}`]).catch(
        () => undefined,
      )
      const gone = await Promise.race([
        ended.then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), CAPTURE_STOP_MS).unref()),
      ])
      if (!gone) {
        letGo = true
        stream.destroy()
      }
      await read
    })())
  return { ready, ended, stop }
}
