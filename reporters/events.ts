// `--reporter events`: every event of every run as one JSON line, as it happens (engine/model/events.ts), for
// scripts, dashboards and a browser view that follow a run instead of reading its end. Lines of different runs
// interleave (with --parallel); each names its run.
import { closeSync, openSync, writeSync } from 'node:fs'
import type { RunEvent } from '../engine/model/events.ts'
import { JSON_LIMITS } from './json.ts'
import type { Reporter } from './types.ts'

/** What a line holds of an event: a packet's payload as a preview in hex (as the JSON report), at most
 * JSON_LIMITS.packetsPerHost packets of a host in a run, and a run's end as its verdict (its checks, hints and
 * score, as the view given sees them) without the scenario, whose expectations may be hidden ones. */
export function eventLine(event: RunEvent, packetsSeen: Map<string, number>): unknown {
  switch (event.kind) {
    case 'packet': {
      const key = `${event.runId}/${event.host}`
      const seen = (packetsSeen.get(key) ?? 0) + 1
      packetsSeen.set(key, seen)
      if (seen > JSON_LIMITS.packetsPerHost) return undefined
      const { payload, ...packet } = event.packet
      return {
        ...event,
        packet: payload
          ? { ...packet, payloadHex: payload.subarray(0, JSON_LIMITS.payloadBytesPerPacket).toString('hex') }
          : packet,
      }
    }
    case 'run-ended': {
      const { result } = event
      const cut = [...packetsSeen]
        .filter(([key]) => key.startsWith(`${event.runId}/`))
        .reduce((sum, [, seen]) => sum + Math.max(0, seen - JSON_LIMITS.packetsPerHost), 0)
      return {
        kind: event.kind,
        runId: event.runId,
        scenario: result.scenario.id,
        status: result.status,
        wallMs: Math.round(result.wallMs),
        checks: result.checks,
        problems: result.run.problems,
        hints: result.hints,
        ...(result.score ? { score: result.score } : {}),
        ...(cut ? { packetsCut: cut } : {}),
      }
    }
    default:
      return event
  }
}

export class EventsReporter implements Reporter {
  readonly #write: (line: string) => void
  readonly #close: () => void
  readonly #packets = new Map<string, number>()
  /** `file`: written from its start, line by line; otherwise standard output. */
  constructor(file: string | undefined, stdout: NodeJS.WritableStream) {
    if (file === undefined) {
      this.#write = (line) => void stdout.write(line)
      this.#close = () => undefined
      return
    }
    const fd = openSync(file, 'w')
    this.#write = (line) => void writeSync(fd, line)
    this.#close = () => closeSync(fd)
  }
  onEvent(event: RunEvent): void {
    const line = eventLine(event, this.#packets)
    if (line !== undefined) this.#write(`${JSON.stringify(line)}\n`)
  }
  onRunEnd(): void {
    this.#close()
  }
}
