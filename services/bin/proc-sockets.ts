// The sockets a host listens on, read from the kernel's tables in /proc/net, as `address:port/proto` (IPv4) or
// `[address]:port/proto` (IPv6, compressed). Both tables count: a server that binds `::` (Node's
// `listen(port)`, Python's dualstack_ipv6) is in tcp6 only, and serves IPv4 clients all the same.
import { readFileSync } from 'node:fs'

const TABLES = ['tcp', 'udp', 'tcp6', 'udp6'] as const
/** TCP's LISTEN state in /proc/net/tcp*; a UDP socket counts once it is bound. */
const TCP_LISTEN = '0A'

/** The kernel prints an address as 32-bit words, each in host byte order (little-endian on every host Docker
 * runs the lab on): the bytes of each word come reversed. */
function addressBytes(hex: string): number[] {
  const bytes: number[] = []
  for (let word = 0; word < hex.length; word += 8) {
    for (let i = 3; i >= 0; i--) bytes.push(parseInt(hex.slice(word + i * 2, word + i * 2 + 2), 16))
  }
  return bytes
}

/** RFC 5952 text: lower case, the longest run of zero groups as `::`, a v4-mapped address as ::ffff:a.b.c.d. */
export function ipv6Text(bytes: number[]): string {
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
    return `::ffff:${bytes.slice(12).join('.')}`
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[i * 2] << 8) | bytes[i * 2 + 1])
  let best = { at: -1, length: 1 }
  for (let at = 0; at < 8; at++) {
    let length = 0
    while (at + length < 8 && groups[at + length] === 0) length++
    if (length > best.length) best = { at, length }
  }
  const hex = groups.map((g) => g.toString(16))
  if (best.at < 0) return hex.join(':')
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.length).join(':')}`
}

/** One `local_address` of /proc/net/{tcp,udp,tcp6,udp6} (`0100007F:3039`) as the lab writes it. */
export function procEntry(local: string, proto: 'tcp' | 'udp'): string {
  const [hexAddress, hexPort] = local.split(':')
  const bytes = addressBytes(hexAddress)
  const port = parseInt(hexPort, 16)
  return bytes.length === 4 ? `${bytes.join('.')}:${port}/${proto}` : `[${ipv6Text(bytes)}]:${port}/${proto}`
}

/** A listening socket, and its inode: which socket it is (another program's socket on the same port has another). */
export interface Listening {
  socket: string
  inode: string
}

/** The listening entries of one table's text. */
export function listeningIn(table: string, proto: 'tcp' | 'udp'): Listening[] {
  const found: Listening[] = []
  for (const row of table.split('\n').slice(1)) {
    const [, local, , state, , , , , , inode] = row.trim().split(/\s+/)
    if (!local || (proto === 'tcp' && state !== TCP_LISTEN)) continue
    found.push({ socket: procEntry(local, proto), inode: inode ?? '' })
  }
  return found
}

type Read = (file: string) => string
const readProc: Read = (file) => readFileSync(file, 'utf8')

/** Sockets listening in this network namespace (TCP LISTEN, bound UDP), IPv4 and IPv6, with their inodes. */
export function listeningEntries(read = readProc): Listening[] {
  return TABLES.flatMap((table) => listeningIn(tableText(table, read), table.startsWith('tcp') ? 'tcp' : 'udp'))
}

/** One table of /proc/net; empty when the kernel has none (no IPv6: no tcp6). */
function tableText(table: (typeof TABLES)[number], read: Read): string {
  try {
    return read(`/proc/net/${table}`)
  } catch {
    return ''
  }
}

/** Sockets listening in this network namespace, as `address:port/proto`. */
export const listeningSockets = (read = readProc): string[] => listeningEntries(read).map((entry) => entry.socket)

/** The TCP states of /proc/net/tcp*, by the kernel's number, of the sockets a closed connection leaves behind. */
const LEFT_BEHIND: Record<string, string> = {
  '04': 'fin-wait-1',
  '05': 'fin-wait-2',
  '06': 'time-wait',
  '08': 'close-wait',
  '09': 'last-ack',
  '0B': 'closing',
}

/** The states (as `ss` names them) of the sockets that closed connections left in this network namespace. */
export function leftBehindStates(read = readProc): string[] {
  const states = new Set<string>()
  for (const table of ['tcp', 'tcp6'] as const) {
    for (const row of tableText(table, read).split('\n').slice(1)) {
      const state = LEFT_BEHIND[row.trim().split(/\s+/)[3] ?? '']
      if (state) states.add(state)
    }
  }
  return [...states]
}
