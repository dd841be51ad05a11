// What a host's network sidecar reported, read from its events (services/bin/protocol.ts): its address, the
// sockets still listening at the end, its fault counters, how its capture went, and why it skipped a fault.
import { parseEvent } from '../../services/bin/protocol.ts'

export interface SidecarReport {
  address?: string
  counters?: Record<string, number>
  skipped?: string
  /** Sockets listening in the host when the lab ended, as `address:port/proto`. */
  listening?: string[]
  /** Packets tcpdump saw but did not write (its closing statistics), when there were any. */
  captureLost?: number
  /** The capture reached its cap (`100000 packets`, `64 MiB`) and stopped before the lab ended. */
  captureCapped?: string
  impairedBy?: 'netem' | 'userspace'
  /** Why it failed, when it did: its setup, or its impairment engine, which died (services/bin/impair.ts). */
  failed?: string
  /** A host on several networks: its interface on each, in its networks' order. */
  interfaces?: Record<string, { device: string; index: number; address: string }>
}

export function readSidecarReport(lines: string[]): SidecarReport {
  const report: SidecarReport = {}
  for (const line of lines) {
    const event = parseEvent(line)
    switch (event?.kind) {
      case 'address':
        report.address ??= event.address
        break
      case 'interfaces':
        report.interfaces ??= event.networks
        break
      case 'listening':
        report.listening = event.sockets
        break
      case 'counters':
        report.counters = event.counters
        break
      case 'skip':
        report.skipped ??= event.reason
        break
      case 'impaired':
        report.impairedBy ??= event.by
        break
      case 'capture-ended': {
        const lost = event.received - event.captured + event.dropped
        if (lost > 0) report.captureLost = lost
        break
      }
      case 'capture-capped':
        report.captureCapped ??= event.at
        break
      case 'failed':
        report.failed ??= event.error
        break
    }
  }
  return report
}
