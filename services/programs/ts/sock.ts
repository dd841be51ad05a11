// Small promise wrappers that give Node sockets the shape of Python's socket module, so each reference
// program reads line by line like its original in the seed guide.
import net from 'node:net'

export const PORT = Number(process.env.LAB_PORT ?? 12345)
export const SERVER_HOST = process.env.LAB_SERVER_HOST ?? 'server'

/** Like Python's `recv(max)`: up to `max` bytes of what has arrived, or an empty buffer once the peer closed. */
export function recv(sock: net.Socket, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, data?: Buffer) => {
      sock.off('readable', onReadable).off('end', onEnd).off('close', onEnd).off('error', onError)
      if (error) reject(error)
      else resolve(data ?? Buffer.alloc(0))
    }
    const onReadable = () => {
      const chunk = sock.read() as Buffer | null
      if (chunk === null) return
      if (chunk.length > max) sock.unshift(chunk.subarray(max))
      done(null, chunk.subarray(0, max))
    }
    const onEnd = () => done(null)
    const onError = (error: Error) => done(error)
    if (sock.readableEnded || sock.destroyed) return resolve(Buffer.alloc(0))
    sock.on('readable', onReadable).on('end', onEnd).on('close', onEnd).on('error', onError)
    onReadable()
  })
}

/** Like Python's `sendall`: resolves once the bytes are handed to the kernel. */
export function send(sock: net.Socket, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => sock.write(data, (error) => (error ? reject(error) : resolve())))
}

/** Like Python's `connect((host, port))`, with `settimeout` when `timeoutMs` is given. */
export function connect(host: string, port: number, timeoutMs?: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port })
    sock.pause()
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            sock.destroy()
            reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }))
          }, timeoutMs)
    sock.once('connect', () => {
      clearTimeout(timer)
      sock.off('error', reject)
      resolve(sock)
    })
    sock.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
  })
}

/** Like Python's iterative `accept()` loop: yields one connection at a time, the next only after the caller is done. */
export async function* accept(server: net.Server): AsyncGenerator<net.Socket> {
  const waiting: net.Socket[] = []
  let wake: (() => void) | undefined
  server.on('connection', (sock) => {
    sock.pause()
    waiting.push(sock)
    wake?.()
  })
  for (;;) {
    while (waiting.length === 0) await new Promise<void>((resolve) => (wake = resolve))
    yield waiting.shift()!
  }
}

/** The peer address printed the way Python prints `endereco`: ('172.18.0.3', 45678). */
export function pythonAddress(sock: net.Socket): string {
  return `('${sock.remoteAddress?.replace(/^::ffff:/, '')}', ${sock.remotePort})`
}

/** Like Python's `settimeout` on a connected socket: a recv or send that waits longer fails with "timed out". */
export function settimeout(sock: net.Socket, timeoutMs: number): void {
  sock.setTimeout(timeoutMs, () => sock.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })))
}

/** Python's `socket.timeout` (str "timed out"), as opposed to an error the kernel reported. */
export function isTimeout(error: unknown): boolean {
  return (error as Error).message === 'timed out'
}

/** Python's errno text for the errors a socket program meets, so both implementations print the same line. */
const PYTHON_ERRNO: Record<string, string> = {
  EPIPE: '[Errno 32] Broken pipe',
  ENETUNREACH: '[Errno 101] Network is unreachable',
  ECONNRESET: '[Errno 104] Connection reset by peer',
  ETIMEDOUT: '[Errno 110] Connection timed out',
  ECONNREFUSED: '[Errno 111] Connection refused',
  EHOSTUNREACH: '[Errno 113] No route to host',
  ENOTFOUND: '[Errno -2] Name or service not known',
  EAI_AGAIN: '[Errno -3] Temporary failure in name resolution',
}

/** What Python prints for `socket.error as e`: `[Errno 111] Connection refused` for Node's ECONNREFUSED. */
export function socketErrorText(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException
  return (code && PYTHON_ERRNO[code]) ?? message
}
