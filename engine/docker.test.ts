import { expect, it } from 'vitest'
import { demuxLogs, timedLines } from './docker.ts'

const frame = (stream: number, text: string) => {
  const payload = Buffer.from(text)
  const header = Buffer.alloc(8)
  header[0] = stream
  header.writeUInt32BE(payload.length, 4)
  return Buffer.concat([header, payload])
}

it('splits the multiplexed log stream into stdout and stderr', () => {
  const buffer = Buffer.concat([frame(1, 'olá\n'), frame(2, 'erro\n'), frame(1, 'fim\n')])
  expect(demuxLogs(buffer)).toEqual({ stdout: 'olá\nfim\n', stderr: 'erro\n' })
})

it('reads the nanosecond timestamps Docker writes before each line', () => {
  const [line] = timedLines('2026-11-25T09:50:01.123456789Z Mensagem do servidor: Bem-vindo ao servidor!\n')
  expect(line.text).toBe('Mensagem do servidor: Bem-vindo ao servidor!')
  expect(line.at).toBeCloseTo(Date.UTC(2026, 10, 25, 9, 50, 1) + 123.456789, 3)
})
