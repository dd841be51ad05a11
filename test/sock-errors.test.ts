// The TS reference programs print Python's errno text for a socket error, so both implementations pass alike.
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { connect, isTimeout, socketErrorText } from '../services/programs/ts/sock.ts'

describe('socketErrorText', () => {
  it('prints a refused connect() the way Python does', async () => {
    const closed = net.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as net.AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    const error = await connect('127.0.0.1', port, 1000).catch((e: unknown) => e)
    expect(socketErrorText(error)).toBe('[Errno 111] Connection refused')
    expect(isTimeout(error)).toBe(false)
  })

  it('maps no route to host and a reset, and keeps any other message', () => {
    expect(
      socketErrorText(Object.assign(new Error('connect EHOSTUNREACH 172.18.0.2:12345'), { code: 'EHOSTUNREACH' })),
    ).toBe('[Errno 113] No route to host')
    expect(socketErrorText(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(
      '[Errno 104] Connection reset by peer',
    )
    expect(socketErrorText(new Error('something else'))).toBe('something else')
  })
})
