// The protocol's names are spelled a second time in lab-run, a shell script that cannot import them.
import { readFile } from 'node:fs/promises'
import { expect, it } from 'vitest'
import {
  CONTROL_USAGE,
  FAILED_LINK,
  READY_LINK,
  START_MARK,
  SYNC_DIR,
  addressPlaceholder,
  devicePlaceholder,
  formatControl,
  formatEvent,
  hostsNamedIn,
  parseControl,
  parseEvent,
  readyFlag,
  tcpdumpStats,
  withAddressesOf,
  withDevicesOf,
  type ControlRequest,
} from './protocol.ts'

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
  expect(parseEvent(formatEvent('client-2', { kind: 'port-open', port: 12345 }))).toEqual({
    host: 'client-2',
    kind: 'port-open',
    port: 12345,
  })
  expect(parseEvent('lab-net[server]: port 12345 open')).toBeUndefined()
  expect(parseEvent('lab-net[server] {"port":12345}')).toBeUndefined()
  expect(parseEvent('lab-net[server] {not json}')).toBeUndefined()
})

it("reads tcpdump's closing statistics", () => {
  expect(
    tcpdumpStats(
      'tcpdump: listening on eth0\n9 packets captured\n21 packets received by filter\n0 packets dropped by kernel\n',
    ),
  ).toEqual({ captured: 9, received: 21, dropped: 0 })
  expect(tcpdumpStats('1 packet captured\n1 packet received by filter\n0 packets dropped by kernel')).toEqual({
    captured: 1,
    received: 1,
    dropped: 0,
  })
  expect(tcpdumpStats('tcpdump: listening on eth0')).toBeUndefined()
})

it('carries every control command in words and reads it back', () => {
  const requests: ControlRequest[] = [
    { verb: 'reset' },
    { verb: 'fresh', plan: { nft: 'table inet lab {}\n', tc: [['qdisc', 'add', 'dev', 'eth0', 'root', 'tbf']] } },
    { verb: 'announce', port: 12345, go: 'f00d' },
    { verb: 'announce', port: 7 },
    { verb: 'go', host: 'client-2', go: 'f00d' },
    { verb: 'arm', host: 'server' },
    { verb: 'arm', host: 'server', go: 'f00d' },
    { verb: 'counters' },
    { verb: 'capture', action: 'start', id: 'warm' },
    { verb: 'capture', action: 'start', id: 'warm', allInterfaces: true },
    { verb: 'capture', action: 'stop', id: 'warm' },
  ]
  for (const request of requests) expect(parseControl(formatControl(request))).toEqual(request)
  expect(formatControl({ verb: 'announce', port: 12345, go: 'f00d' })).toEqual(['announce', '12345', 'f00d'])
})

it('refuses words that carry no control command, saying its usage', () => {
  expect(() => parseControl(['shutdown'])).toThrow(`${CONTROL_USAGE}, not "shutdown"`)
  expect(() => parseControl([])).toThrow(`${CONTROL_USAGE}, not ""`)
  expect(() => parseControl(['go', '../etc', 'x'])).toThrow('lab-ctl: go HOST GO')
  expect(() => parseControl(['announce', 'port'])).toThrow('lab-ctl: announce PORT [GO]')
  expect(() => parseControl(['reset', '{not json'])).toThrow('lab-ctl: reset takes a plan in JSON, not "{not json"')
  expect(() => parseControl(['fresh', '[1]'])).toThrow('lab-ctl: fresh takes a plan in JSON, an object')
  expect(() => parseControl(['capture', 'start', '../../etc/x'])).toThrow(
    'lab-ctl: capture start ID [all] | capture stop ID',
  )
  expect(() => parseControl(['capture', 'stop', 'warm', 'all'])).toThrow(
    'lab-ctl: capture start ID [all] | capture stop ID',
  )
})

it("fills in a plan's placeholders, and names the hosts it needs resolved", () => {
  const text = `ip saddr ${addressPlaceholder('server')} drop; oifname "${devicePlaceholder('wan')}"; ip daddr ${addressPlaceholder('server')}`
  expect(hostsNamedIn(text)).toEqual(['server'])
  expect(withDevicesOf(withAddressesOf(text, { server: '10.0.0.10' }), { wan: 'eth1' })).toBe(
    'ip saddr 10.0.0.10 drop; oifname "eth1"; ip daddr 10.0.0.10',
  )
  expect(withAddressesOf(addressPlaceholder('gone'), {})).toBe('{{address:gone}}')
})
