import { describe, expect, it } from 'vitest'
import { isLoopback, isLoopbackOnly, parseSocket, printedPeer, servesIPv4, socketsOn } from './sockets.ts'
import {
  ipv6Text,
  leftBehindStates,
  listeningIn,
  listeningSockets,
  procEntry,
} from '../../services/bin/proc-sockets.ts'

const socket = (entry: string) => parseSocket(entry)!

describe('the listening sockets a sidecar reads from /proc/net', () => {
  it('writes IPv4 entries as address:port and IPv6 ones as [compressed address]:port', () => {
    expect(procEntry('0100007F:3039', 'tcp')).toBe('127.0.0.1:12345/tcp')
    expect(procEntry('00000000000000000000000000000000:3039', 'tcp')).toBe('[::]:12345/tcp')
    expect(procEntry('00000000000000000000000001000000:3039', 'udp')).toBe('[::1]:12345/udp')
    expect(procEntry('0000000000000000FFFF00000100007F:3039', 'tcp')).toBe('[::ffff:127.0.0.1]:12345/tcp')
    expect(procEntry('000080FE00000000FF2E420003AC11FE:0016', 'tcp')).toBe('[fe80::42:2eff:fe11:ac03]:22/tcp')
  })

  it('compresses the longest run of zero groups only', () => {
    expect(ipv6Text([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1])).toBe('2001:db8::1:0:0:1')
    expect(ipv6Text([0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1])).toBe('2001:db8:1:1:1:1:1:1')
  })

  it('keeps TCP sockets in LISTEN and every bound UDP socket, from all four tables', () => {
    const header = '  sl  local_address rem_address   st tx_queue rx_queue\n'
    const tables: Record<string, string> = {
      '/proc/net/tcp': `${header}   0: 0B00007F:9A21 00000000:0000 0A 0\n   1: 0200A8C0:3039 0300A8C0:D431 01 0\n`,
      '/proc/net/udp': `${header}   0: 0B00007F:8AE4 00000000:0000 07 0\n`,
      '/proc/net/tcp6': `${header}   0: 00000000000000000000000000000000:3039 00000000000000000000000000000000:0000 0A 0\n`,
    }
    const read = (file: string) => {
      if (!(file in tables)) throw new Error('ENOENT')
      return tables[file]
    }
    expect(listeningSockets(read)).toEqual(['127.0.0.11:39457/tcp', '127.0.0.11:35556/udp', '[::]:12345/tcp'])
    expect(listeningIn(header, 'tcp')).toEqual([])
  })

  it('names the states closed connections left, which a warm reset ends, and none on a clean host', () => {
    const header = '  sl  local_address rem_address   st tx_queue rx_queue\n'
    const tables: Record<string, string> = {
      '/proc/net/tcp': `${header}   0: 00000000:3039 00000000:0000 0A 0\n   1: 0200A8C0:3039 0300A8C0:D431 06 0\n   2: 0200A8C0:3039 0300A8C0:D432 06 0\n`,
      '/proc/net/tcp6': `${header}   0: 00000000000000000000000000000000:3039 00000000000000000000000000000000:0000 08 0\n`,
    }
    expect(leftBehindStates((file) => tables[file])).toEqual(['time-wait', 'close-wait'])
    expect(
      leftBehindStates((file) => {
        if (file.endsWith('6')) throw new Error('ENOENT')
        return `${header}   0: 00000000:3039 00000000:0000 0A 0\n   1: 0200A8C0:3039 0300A8C0:D431 01 0\n`
      }),
    ).toEqual([])
  })

  it("names each socket's inode: a rerun's new server is told from the last run's dying one on the same port", () => {
    const row = (inode: number) =>
      `   0: 00000000:3039 00000000:0000 0A 00000000:00000000 00:00000000 00000000 10001        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`
    const text = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n${row(4711)}${row(4712)}`
    expect(listeningIn(text, 'tcp')).toEqual([
      { socket: '0.0.0.0:12345/tcp', inode: '4711' },
      { socket: '0.0.0.0:12345/tcp', inode: '4712' },
    ])
  })
})

describe('what a listening socket serves', () => {
  it('parses both forms, and nothing else', () => {
    expect(parseSocket('[::]:12345/tcp')).toEqual({ address: '::', port: 12345, proto: 'tcp', family: 6 })
    expect(parseSocket('0.0.0.0:53/udp')).toEqual({ address: '0.0.0.0', port: 53, proto: 'udp', family: 4 })
    expect(parseSocket('::1:12345/tcp')).toBeUndefined()
    expect(parseSocket('0.0.0.0:12345')).toBeUndefined()
  })

  it('tells loopback from the rest, mapped IPv4 loopback included', () => {
    expect(
      ['127.0.0.1:1/tcp', '127.0.0.11:1/udp', '[::1]:1/tcp', '[::ffff:127.0.0.1]:1/tcp'].map((e) =>
        isLoopback(socket(e)),
      ),
    ).toEqual([true, true, true, true])
    expect(
      ['0.0.0.0:1/tcp', '[::]:1/tcp', '[::ffff:10.0.0.2]:1/tcp', '[fe80::1]:1/tcp'].map((e) => isLoopback(socket(e))),
    ).toEqual([false, false, false, false])
  })

  it('says which sockets an IPv4 client of another host reaches', () => {
    expect(
      ['0.0.0.0:1/tcp', '172.18.0.2:1/tcp', '[::]:1/tcp', '[::ffff:172.18.0.2]:1/udp'].map((e) =>
        servesIPv4(socket(e)),
      ),
    ).toEqual([true, true, true, true])
    expect(
      ['127.0.0.1:1/tcp', '[::1]:1/tcp', '[::ffff:127.0.0.1]:1/tcp', '[fe80::1]:1/tcp'].map((e) =>
        servesIPv4(socket(e)),
      ),
    ).toEqual([false, false, false, false])
  })

  it('finds a port served on loopback only', () => {
    expect(isLoopbackOnly(['127.0.0.1:12345/tcp', '[::1]:12345/tcp'], 'tcp', 12345)).toBe(true)
    expect(isLoopbackOnly(['127.0.0.1:12345/tcp', '[::]:12345/tcp'], 'tcp', 12345)).toBe(false)
    expect(isLoopbackOnly(['127.0.0.1:12345/udp'], 'tcp', 12345)).toBe(false)
    expect(socketsOn(['[::]:12345/tcp', '[::]:12345/udp', 'junk'], 'udp').map((s) => s.port)).toEqual([12345])
  })
})

describe('printedPeer', () => {
  it('reads an IPv4 peer in every form a dual-stack server prints it', () => {
    for (const text of [
      "('172.18.0.3', 45678)",
      "('::ffff:172.18.0.3', 45678, 0, 0)",
      "('::ffff:172.18.0.3', 45678)",
      "Conexão estabelecida com ('::ffff:172.18.0.3', 45678, 0, 0)",
    ]) {
      expect(printedPeer(text), text).toEqual({ address: '172.18.0.3', port: 45678 })
    }
    expect(printedPeer("('fe80::1', 45678, 0, 0)")).toBeUndefined()
    expect(printedPeer("x ('172.18.0.3', 45678)")).toBeUndefined()
  })
})
