import { expect, it } from 'vitest'
import { formatEvent, type SidecarEvent } from '../../services/bin/protocol.ts'
import { readSidecarReport } from './sidecar-report.ts'

const lines = (events: SidecarEvent[]) => events.map((event) => formatEvent('server', event))

it('reads what a network sidecar reported, and nothing from lines that are not its events', () => {
  expect(
    readSidecarReport([
      ...lines([
        { kind: 'note', text: 'default route removed' },
        { kind: 'address', address: '172.18.0.2' },
        { kind: 'skip', reason: 'this kernel has no sch_netem, so delay and jitter cannot be applied' },
        { kind: 'counters', counters: { loss: 297 } },
        { kind: 'capture-ended', captured: 9, received: 21, dropped: 0 },
      ]),
      'lab-net[server]: counters {"loss":1}',
      'lab-net[server] {"kind":"address","address":"10.0.0.9"', // cut short: not an event
    ]),
  ).toEqual({
    address: '172.18.0.2',
    counters: { loss: 297 },
    skipped: 'this kernel has no sch_netem, so delay and jitter cannot be applied',
    captureLost: 12,
  })
})

it('reads a capture that stopped at its cap, so its unwritten packets are not a loss', () => {
  expect(
    readSidecarReport(
      lines([
        { kind: 'capture-ended', captured: 100_000, received: 180_000, dropped: 0 },
        { kind: 'capture-capped', at: '100000 packets' },
      ]),
    ),
  ).toEqual({ captureLost: 80_000, captureCapped: '100000 packets' })
})

it('reads which engine applied its impairments, and why its setup failed', () => {
  expect(
    readSidecarReport(
      lines([
        { kind: 'impaired', by: 'userspace', detail: 'NFQUEUE 0, out' },
        { kind: 'counters', counters: { delay: 10, reorder: 3 } },
        { kind: 'failed', error: 'nft: syntax error' },
      ]),
    ),
  ).toEqual({ impairedBy: 'userspace', counters: { delay: 10, reorder: 3 }, failed: 'nft: syntax error' })
})
