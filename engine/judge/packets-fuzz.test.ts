// Captures hold whatever a submitted program sent, so the decoder is fed garbage here: random frames, every
// truncation of every frame the builder makes, and random pcap files. It must never throw nor hang.
import { expect, it } from 'vitest'
import { decodeEthernet, decodeSll2, readPcap } from './packets.ts'
import {
  ACK,
  PSH,
  SYN,
  sll2Frame,
  arpFrame,
  fragmentedUdp,
  fromServer,
  icmpFrame,
  ipv6UdpFrame,
  pcapFile,
  tcpFrame,
  udpFrame,
} from './fixtures/frames.ts'

/** A small seeded generator (mulberry32), so that a failing case is the same on the next run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const next = random(12)
const randomBytes = (length: number) => Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)))

const FRAMES = [
  tcpFrame(SYN, 1, 0),
  fromServer(SYN | ACK, 9, 2),
  tcpFrame(PSH | ACK, 2, 10, { payload: 'Olá, servidor!' }),
  udpFrame('Mensagem 1'),
  ...fragmentedUdp(3000),
  icmpFrame(3, 3),
  arpFrame(1),
  arpFrame(2),
  ipv6UdpFrame(),
]

it('decodes every prefix of every frame without throwing, and never reads a header past the frame', () => {
  for (const frame of FRAMES) {
    for (let length = 0; length <= frame.length; length++) {
      const packet = decodeEthernet(frame.subarray(0, length), 0)
      if (packet?.sport !== undefined) expect(length).toBeGreaterThanOrEqual(14 + 20 + 8)
    }
  }
})

it('decodes every prefix of every LINUX_SLL2 frame (a capture of every interface) without throwing', () => {
  for (const frame of FRAMES.map((ethernet) => sll2Frame(ethernet, 7))) {
    for (let length = 0; length <= frame.length; length++) {
      const packet = decodeSll2(frame.subarray(0, length), 0)
      if (packet?.sport !== undefined) expect(length).toBeGreaterThanOrEqual(20 + 20 + 8)
    }
  }
  for (let i = 0; i < 20_000; i++) decodeSll2(randomBytes(Math.floor(next() * 80)), 0)
})

it('decodes random frames, and random IPv4 frames, without throwing', () => {
  for (let i = 0; i < 20_000; i++) {
    const frame = randomBytes(Math.floor(next() * 80))
    decodeEthernet(frame, 0)
    if (frame.length >= 15) {
      frame.writeUInt16BE(0x0800, 12)
      frame[14] = 0x40 | (frame[14] & 0x0f)
      decodeEthernet(frame, 0)
    }
  }
})

it('reads random and truncated pcap files to an end, whatever they hold', async () => {
  const whole = pcapFile(FRAMES)
  const files = [
    ...Array.from({ length: 200 }, () => randomBytes(Math.floor(next() * 400))),
    ...Array.from({ length: 200 }, () => Buffer.concat([whole.subarray(0, 24), randomBytes(Math.floor(next() * 400))])),
    ...Array.from({ length: whole.length + 1 }, (_, length) => whole.subarray(0, length)),
    pcapFile(FRAMES.map((frame) => frame.subarray(0, Math.floor(next() * frame.length)))),
  ]
  for (const file of files) {
    const read = await readPcap(file)
    expect(read.packets.length + read.undecodable).toBeLessThanOrEqual(Math.ceil(file.length / 16))
  }
  expect((await readPcap(whole)).packets).toHaveLength(FRAMES.length)
  for (let length = 0; length <= 200; length++)
    await readPcap(
      pcapFile(
        FRAMES.map((frame) => sll2Frame(frame, 3)),
        276,
      ).subarray(0, length),
    )
}, 30_000)
