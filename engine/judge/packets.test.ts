import { expect, it } from 'vitest'
import { decodeEthernet, describePacket, readPcap } from './packets.ts'
import { readSidecarLog } from '../runtime/run.ts'

/** An Ethernet + IPv4 + TCP frame as the kernel would put it on the wire. */
function tcpFrame(flags: number, seq: number, ack: number, payload = ''): Buffer {
  const data = Buffer.from(payload)
  const frame = Buffer.alloc(14 + 20 + 20 + data.length)
  frame.writeUInt16BE(0x0800, 12)
  frame[14] = 0x45
  frame.writeUInt16BE(20 + 20 + data.length, 16)
  frame[14 + 9] = 6
  Buffer.from([172, 18, 0, 3]).copy(frame, 26)
  Buffer.from([172, 18, 0, 2]).copy(frame, 30)
  frame.writeUInt16BE(40312, 34)
  frame.writeUInt16BE(12345, 36)
  frame.writeUInt32BE(seq, 38)
  frame.writeUInt32BE(ack, 42)
  frame[46] = 5 << 4
  frame[47] = flags
  data.copy(frame, 54)
  return frame
}

function pcapFile(frames: Buffer[]): Buffer {
  const header = Buffer.alloc(24)
  header.writeUInt32LE(0xa1b2c3d4, 0)
  header.writeUInt16LE(2, 4)
  header.writeUInt16LE(4, 6)
  header.writeUInt32LE(262144, 16)
  header.writeUInt32LE(1, 20)
  return Buffer.concat([header, ...frames.flatMap((frame, i) => {
    const record = Buffer.alloc(16)
    record.writeUInt32LE(1_764_000_000 + i, 0)
    record.writeUInt32LE(500, 4)
    record.writeUInt32LE(frame.length, 8)
    record.writeUInt32LE(frame.length, 12)
    return [record, frame]
  })])
}

it('decodes TCP flags, sequence numbers and payload', () => {
  const packet = decodeEthernet(tcpFrame(0x18, 4_000_000_000, 7, 'Olá, servidor!'), 0)
  expect(packet).toMatchObject({ proto: 'tcp', src: '172.18.0.3', dst: '172.18.0.2', sport: 40312, dport: 12345, flags: 'P.', seq: 4_000_000_000, ack: 7, length: 15 })
  expect(packet.payload?.toString('utf8')).toBe('Olá, servidor!')
  expect(decodeEthernet(tcpFrame(0x12, 1, 2), 0).flags).toBe('S.')
  expect(decodeEthernet(tcpFrame(0x11, 1, 2), 0).flags).toBe('F.')
  expect(decodeEthernet(tcpFrame(0x04, 1, 0), 0).flags).toBe('R')
})

it('reads a pcap file into packets with their capture times', async () => {
  const packets = await readPcap(pcapFile([tcpFrame(0x02, 10, 0), tcpFrame(0x12, 99, 11)]))
  expect(packets.map((p) => p.flags)).toEqual(['S', 'S.'])
  expect(packets[1].at - packets[0].at).toBe(1000)
  expect(describePacket(packets[1], packets[0].at, { '172.18.0.3': 'client', '172.18.0.2': 'server' }))
    .toBe(' +1000 ms client:40312 → server:12345 TCP [S.] seq=99 ack=11 len=0')
})

it('reads what a network sidecar reported', () => {
  expect(readSidecarLog([
    'lab-net[server]: default route removed',
    'lab-net[server]: address 172.18.0.2',
    'lab-net[server]: skip: this kernel has no sch_netem, so delay and jitter cannot be applied',
    'lab-net[server]: counters {"loss":297}',
    'lab-net[server]: tcpdump ended (0): 9 packets captured 21 packets received by filter 0 packets dropped by kernel',
  ])).toEqual({ address: '172.18.0.2', counters: { loss: 297 }, skipped: 'this kernel has no sch_netem, so delay and jitter cannot be applied', captureLost: 12 })
})

it('reads which engine applied a sidecar\'s impairments', () => {
  expect(readSidecarLog(['lab-net[client]: impairments by userspace (NFQUEUE 0, out)', 'lab-net[client]: counters {"delay":10,"reorder":3}']))
    .toEqual({ impairedBy: 'userspace', counters: { delay: 10, reorder: 3 } })
})
