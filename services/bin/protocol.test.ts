// The protocol's names are spelled a second time in lab-run, a shell script that cannot import them.
import { readFile } from 'node:fs/promises'
import { expect, it } from 'vitest'
import { FAILED_LINK, READY_LINK, START_MARK, SYNC_DIR, formatEvent, parseEvent, readyFlag, tcpdumpStats } from './protocol.ts'

it('lab-run waits for the links and flags the sidecars make, and prints the start mark', async () => {
  const script = await readFile(new URL('./lab-run', import.meta.url), 'utf8')
  expect(script).toContain(`grep -q '${READY_LINK}' /proc/net/dev`)
  expect(script).toContain(`grep -q '${FAILED_LINK}' /proc/net/dev`)
  expect(script).toContain(`[ -e "${SYNC_DIR}/$peer.listening" ]`)
  expect(script).toContain(`[ -e "${SYNC_DIR}/$peer.ready" ]`)
  expect(readyFlag('relay')).toBe(`${SYNC_DIR}/relay.ready`)
  expect(script).toContain(`echo "${START_MARK} $program" >&2`)
  expect(script).toContain(`program="$*"`)
})

it('reads back the events it writes, and nothing else', () => {
  expect(parseEvent(formatEvent('client-2', { kind: 'port-open', port: 12345 }))).toEqual({ host: 'client-2', kind: 'port-open', port: 12345 })
  expect(parseEvent('lab-net[server]: port 12345 open')).toBeUndefined()
  expect(parseEvent('lab-net[server] {"port":12345}')).toBeUndefined()
  expect(parseEvent('lab-net[server] {not json}')).toBeUndefined()
})

it("reads tcpdump's closing statistics", () => {
  expect(tcpdumpStats('tcpdump: listening on eth0\n9 packets captured\n21 packets received by filter\n0 packets dropped by kernel\n'))
    .toEqual({ captured: 9, received: 21, dropped: 0 })
  expect(tcpdumpStats('1 packet captured\n1 packet received by filter\n0 packets dropped by kernel')).toEqual({ captured: 1, received: 1, dropped: 0 })
  expect(tcpdumpStats('tcpdump: listening on eth0')).toBeUndefined()
})
