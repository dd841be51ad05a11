import { expect, it } from 'vitest'
import { frameReader, splitFrames } from './log-frames.ts'
import { logFrame as frame } from './fixtures/log-frames.ts'

const LOG = Buffer.concat([frame(1, 'Servidor esperando por conexões...\n'), frame(2, 'erro\n'), frame(1, 'fim\n')])

it('splits complete frames by stream and keeps an incomplete last frame as the rest', () => {
  const { stdout, stderr, rest } = splitFrames(Buffer.concat([LOG, frame(1, 'cortado').subarray(0, 11)]))
  expect([stdout.toString(), stderr.toString(), rest.length]).toEqual([
    'Servidor esperando por conexões...\nfim\n',
    'erro\n',
    11,
  ])
  expect(splitFrames(LOG.subarray(0, 5)).rest.length).toBe(5)
})

it('reads a followed log the same wherever the chunks cut it: in a header, in a payload, byte by byte', () => {
  for (let cut = 0; cut <= LOG.length; cut++) {
    const read = frameReader()
    const parts = [read(LOG.subarray(0, cut)), read(LOG.subarray(cut))]
    expect(parts.map((p) => p.stdout.toString()).join(''), `cut at ${cut}`).toBe(
      'Servidor esperando por conexões...\nfim\n',
    )
    expect(parts.map((p) => p.stderr.toString()).join(''), `cut at ${cut}`).toBe('erro\n')
  }
  const read = frameReader()
  const bytes = [...LOG].map((byte) => read(Buffer.from([byte])))
  expect(Buffer.concat(bytes.map((p) => p.stdout)).toString()).toBe('Servidor esperando por conexões...\nfim\n')
})

it('joins a line Docker split into partial messages, keeping only its first timestamp', () => {
  const long = 'x'.repeat(20_000)
  const log = Buffer.concat([
    frame(1, `2026-12-01T21:00:00.1Z ${long.slice(0, 16_384)}`),
    frame(2, '2026-12-01T21:00:00.15Z erro\n'),
    frame(1, `2026-12-01T21:00:00.2Z ${long.slice(16_384)}\n`),
    frame(1, '2026-12-01T21:00:00.3Z fim\n'),
  ])
  expect(splitFrames(log).stdout.toString()).toBe(`2026-12-01T21:00:00.1Z ${long}\n2026-12-01T21:00:00.3Z fim\n`)
  expect(splitFrames(log).stderr.toString()).toBe('2026-12-01T21:00:00.15Z erro\n')
  // the same when the log is followed and the chunks cut it anywhere
  const read = frameReader()
  const pieces = [log.subarray(0, 9000), log.subarray(9000, 16_500), log.subarray(16_500)]
  expect(Buffer.concat(pieces.map((piece) => read(piece).stdout)).toString()).toBe(
    `2026-12-01T21:00:00.1Z ${long}\n2026-12-01T21:00:00.3Z fim\n`,
  )
})
