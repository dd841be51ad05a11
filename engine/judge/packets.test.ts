import { expect, it } from 'vitest'
import { MAX_PACKETS_DECODED, decodeEthernet, decodeSll2, describePacket, readPcap } from './packets.ts'
import {
  arpFrame,
  sll2Frame,
  fragmentedUdp,
  icmpFrame,
  ipv6UdpFrame,
  pcapFile,
  tcpFrame,
  udpFrame,
} from './fixtures/frames.ts'

it('decodes TCP flags, sequence numbers and payload', () => {
  const packet = decodeEthernet(tcpFrame(0x18, 4_000_000_000, 7, { payload: 'Olá, servidor!' }), 0)
  expect(packet).toMatchObject({
    proto: 'tcp',
    src: '172.18.0.3',
    dst: '172.18.0.2',
    sport: 40312,
    dport: 12345,
    flags: 'P.',
    seq: 4_000_000_000,
    ack: 7,
    length: 15,
  })
  expect(packet?.payload?.toString('utf8')).toBe('Olá, servidor!')
  expect(decodeEthernet(tcpFrame(0x12, 1, 2), 0)?.flags).toBe('S.')
  expect(decodeEthernet(tcpFrame(0x11, 1, 2), 0)?.flags).toBe('F.')
  expect(decodeEthernet(tcpFrame(0x04, 1, 0), 0)?.flags).toBe('R')
})

it('reads a pcap file into packets with their capture times', async () => {
  const { packets, undecodable } = await readPcap(pcapFile([tcpFrame(0x02, 10, 0), tcpFrame(0x12, 99, 11)]))
  expect(undecodable).toBe(0)
  expect(packets.map((p) => p.flags)).toEqual(['S', 'S.'])
  expect(packets[1].at - packets[0].at).toBe(1000)
  expect(describePacket(packets[1], packets[0].at, { '172.18.0.3': 'client', '172.18.0.2': 'server' })).toBe(
    ' +1000 ms client:40312 → server:12345 TCP [S.] seq=99 ack=11 len=0',
  )
})

it('decodes UDP, ICMP and ARP', () => {
  expect(decodeEthernet(udpFrame('oi'), 0)).toMatchObject({ proto: 'udp', sport: 40312, dport: 12345, length: 2 })
  expect(decodeEthernet(udpFrame('oi'), 0)?.payload?.toString()).toBe('oi')
  expect(decodeEthernet(icmpFrame(3, 3), 0)).toMatchObject({ proto: 'icmp', icmp: { type: 3, code: 3 } })
  expect(decodeEthernet(arpFrame(1), 0)).toMatchObject({
    proto: 'arp',
    flags: 'request',
    src: '172.18.0.3',
    dst: '172.18.0.2',
  })
  expect(decodeEthernet(arpFrame(2), 0)?.flags).toBe('reply')
})

it('decodes both fragments of a UDP datagram over 1472 bytes: ports from the first, data only in the second', () => {
  const [first, second] = fragmentedUdp(2000, { id: 77 })
  expect(decodeEthernet(first, 0)).toMatchObject({
    proto: 'udp',
    sport: 40312,
    dport: 12345,
    length: 2000,
    ipId: 77,
    fragment: { offset: 0, more: true },
  })
  const rest = decodeEthernet(second, 0)
  expect(rest).toMatchObject({
    proto: 'udp',
    length: 2000 + 8 - 1480,
    ipId: 77,
    fragment: { offset: 1480, more: false },
  })
  expect(rest?.sport).toBeUndefined()
  expect(decodeEthernet(udpFrame('x'), 0)?.fragment).toBeUndefined()
})

it('reads a capture with a fragmented datagram to its end', async () => {
  const read = await readPcap(pcapFile([...fragmentedUdp(1473), udpFrame('depois')]))
  expect(read.packets.map((p) => [p.proto, p.length, p.fragment?.offset])).toEqual([
    ['udp', 1473, 0],
    ['udp', 1, 1480],
    ['udp', 6, undefined],
  ])
  expect(read.undecodable).toBe(0)
})

it('does not take an IPv6 frame for IPv4', () => {
  expect(decodeEthernet(ipv6UdpFrame(), 0)).toEqual({ at: 0, proto: 'other', src: '', dst: '', length: 0 })
})

it('skips and counts frames too short for their headers, and frames of another link type', async () => {
  const read = await readPcap(pcapFile([tcpFrame(0x02, 1, 0).subarray(0, 40), udpFrame('a'), Buffer.alloc(6)]))
  expect(read).toMatchObject({ undecodable: 2, notDecoded: 0 })
  expect(read.packets.map((p) => p.proto)).toEqual(['udp'])
  expect((await readPcap(pcapFile([udpFrame('a')], 101))).undecodable).toBe(1)
})

it(`decodes at most ${MAX_PACKETS_DECODED} packets of a capture and counts the rest`, async () => {
  const frame = udpFrame('x')
  const read = await readPcap(pcapFile(Array.from({ length: MAX_PACKETS_DECODED + 3 }, () => frame)))
  expect([read.packets.length, read.notDecoded]).toEqual([MAX_PACKETS_DECODED, 3])
})

it('says why a file that is not a pcap capture could not be read', async () => {
  expect(await readPcap(Buffer.from('this is not a capture at all'))).toEqual({
    packets: [],
    undecodable: 0,
    notDecoded: 0,
    unreadable: 'unknown magic number: 74686973',
  })
})

it('reads the TTL and the source MAC of an IPv4 frame', () => {
  const frame = tcpFrame(0x02, 1, 0)
  frame[22] = 63
  Buffer.from([0x02, 0x42, 0x0a, 0xd5, 0x05, 0x02]).copy(frame, 6)
  expect(decodeEthernet(frame, 0)).toMatchObject({ ttl: 63, srcMac: '02:42:0a:d5:05:02' })
  frame.writeUInt16BE(0x4000, 20)
  expect(decodeEthernet(frame, 0)?.dontFragment).toBe(true)
})

it('decodes a capture of every interface (LINUX_SLL2): each packet with its interface index and source MAC', async () => {
  expect(decodeSll2(sll2Frame(udpFrame('oi'), 42, '02:42:0a:00:00:01'), 0)).toMatchObject({
    proto: 'udp',
    length: 2,
    ttl: 64,
    ifIndex: 42,
    srcMac: '02:42:0a:00:00:01',
  })
  const { packets, undecodable } = await readPcap(
    pcapFile([sll2Frame(arpFrame(1), 5), sll2Frame(icmpFrame(11, 0), 6)], 276),
  )
  expect(undecodable).toBe(0)
  expect(packets.map((p) => [p.proto, p.ifIndex])).toEqual([
    ['arp', 5],
    ['icmp', 6],
  ])
})

it('reads the MSS option of a SYN after other options, and none from a segment without it', () => {
  const syn = tcpFrame(0x02, 1, 0, { payload: '12345678' })
  Buffer.from([1, 1, 2, 4, 0x04, 0xd8, 0, 0]).copy(syn, 54) // NOP, NOP, MSS 1240, end of options
  syn[46] = 7 << 4
  expect(decodeEthernet(syn, 0)).toMatchObject({ flags: 'S', mss: 1240, length: 0 })
  expect(decodeEthernet(tcpFrame(0x02, 1, 0), 0)?.mss).toBeUndefined()
})
