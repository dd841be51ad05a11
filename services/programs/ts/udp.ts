// Promise wrappers that give Node's dgram sockets the shape of Python's UDP calls (bind, recvfrom, sendto),
// so each UDP reference program reads line by line like its original in the seed guide.
import dgram from 'node:dgram'

export interface Datagram {
  data: Buffer
  address: string
  port: number
}

/** Like `socket(AF_INET, SOCK_DGRAM)` followed by `bind((host, port))`; no port picks an ephemeral one. */
export async function udpSocket(port?: number, host = '0.0.0.0'): Promise<dgram.Socket> {
  const sock = dgram.createSocket('udp4')
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject)
    sock.bind({ port, address: port === undefined ? undefined : host }, () => {
      sock.off('error', reject)
      resolve()
    })
  })
  queueDatagrams(sock)
  return sock
}

/** Like Python's `recvfrom`: the next datagram, queued if it came before anyone asked; waits forever unless
 * `timeoutMs` is given (then rejects with a timeout, like `settimeout`). */
export function recvfrom(sock: dgram.Socket, timeoutMs?: number): Promise<Datagram> {
  const next = queued.get(sock)!.shift()
  if (next) return Promise.resolve(next)
  return new Promise((resolve, reject) => {
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            waiters.delete(sock)
            reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }))
          }, timeoutMs)
    waiters.set(sock, (datagram) => {
      clearTimeout(timer)
      resolve(datagram)
    })
  })
}

const queued = new WeakMap<dgram.Socket, Datagram[]>()
const waiters = new WeakMap<dgram.Socket, (datagram: Datagram) => void>()

/** Keeps what arrives while nobody waits in recvfrom, as the kernel's socket buffer does for Python. */
function queueDatagrams(sock: dgram.Socket): void {
  const queue: Datagram[] = []
  queued.set(sock, queue)
  sock.on('message', (data, rinfo) => {
    const datagram = { data, address: rinfo.address, port: rinfo.port }
    const waiter = waiters.get(sock)
    waiters.delete(sock)
    if (waiter) waiter(datagram)
    else queue.push(datagram)
  })
}

/** Like Python's `sendto(data, (host, port))`: resolves once the datagram is handed to the kernel. */
export function sendto(sock: dgram.Socket, data: string | Buffer, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => sock.send(data, port, host, (error) => (error ? reject(error) : resolve())))
}

/** A sender's address printed the way Python prints it: ('172.18.0.3', 45678). */
export function pythonAddress({ address, port }: { address: string; port: number }): string {
  return `('${address}', ${port})`
}
