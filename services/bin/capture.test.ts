import { expect, it } from 'vitest'
import { CAPTURE_BUFFER_KIB, CAPTURE_MAX_PACKETS, reportCaptureEnd, tcpdumpArgs } from './capture.ts'
import type { SidecarEvent } from './protocol.ts'

it("writes tcpdump's command line once, with the caps: packets, kernel buffer, whole frames, unbuffered", () => {
  expect(tcpdumpArgs('/capture/server.pcap')).toEqual([
    '-i',
    'eth0',
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
    '/capture/server.pcap',
  ])
  expect(tcpdumpArgs('/capture/r.pcap', true).slice(0, 4)).toEqual(['-i', 'any', '-y', 'LINUX_SLL2'])
})

it("reports a capture's end as the sidecar's events", () => {
  const events: SidecarEvent[] = []
  reportCaptureEnd(
    { stats: { captured: 100_000, received: 120_000, dropped: 0 }, capped: '100000 packets', said: '' },
    (event) => events.push(event),
  )
  reportCaptureEnd({ said: 'tcpdump: eth0: That device is not up' }, (event) => events.push(event))
  expect(events).toEqual([
    { kind: 'capture-ended', captured: 100_000, received: 120_000, dropped: 0 },
    { kind: 'capture-capped', at: '100000 packets' },
    { kind: 'note', text: 'tcpdump ended without its statistics: tcpdump: eth0: That device is not up' },
  ])
})
