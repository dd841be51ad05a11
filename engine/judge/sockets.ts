// The listening sockets a host's sidecar reports (services/bin/proc-sockets.ts writes them): `address:port/proto`
// for IPv4, `[address]:port/proto` for IPv6. Pure: what a socket serves, read from its entry.

export interface ListeningSocket {
  address: string
  port: number
  proto: 'tcp' | 'udp'
  family: 4 | 6
}

/** One entry (`0.0.0.0:12345/tcp`, `[::]:12345/udp`); undefined when it is not one. */
export function parseSocket(entry: string): ListeningSocket | undefined {
  const match = entry.match(/^(?:\[([\da-f:.]+)\]|([\d.]+)):(\d+)\/(tcp|udp)$/i)
  if (!match) return undefined
  const [, v6, v4, port, proto] = match
  return {
    address: (v6 ?? v4).toLowerCase(),
    port: Number(port),
    proto: proto.toLowerCase() as 'tcp' | 'udp',
    family: v6 ? 6 : 4,
  }
}

const V4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/

/** Only this host can reach it: 127.0.0.0/8, ::1, or an IPv4 loopback address mapped into IPv6. */
export function isLoopback(socket: ListeningSocket): boolean {
  const v4 = socket.family === 4 ? socket.address : socket.address.match(V4_MAPPED)?.[1]
  return v4 ? v4.startsWith('127.') : socket.address === '::1'
}

/** Whether an IPv4 client of another host can reach it: an IPv4 address that is not loopback, or `::` (a dual
 * stack socket: IPv4 arrives as ::ffff:a.b.c.d), or a non-loopback IPv4 address mapped into IPv6. */
export function servesIPv4(socket: ListeningSocket): boolean {
  if (isLoopback(socket)) return false
  return socket.family === 4 || socket.address === '::' || V4_MAPPED.test(socket.address)
}

/** The entries that parse, on one protocol, optionally on one port. */
export function socketsOn(entries: readonly string[], proto: 'tcp' | 'udp', port?: number): ListeningSocket[] {
  return entries
    .map(parseSocket)
    .filter(
      (s): s is ListeningSocket => s !== undefined && s.proto === proto && (port === undefined || s.port === port),
    )
}

/** Something listens on the port, but only on loopback: clients on other hosts are refused. */
export function isLoopbackOnly(entries: readonly string[], proto: 'tcp' | 'udp', port: number): boolean {
  const sockets = socketsOn(entries, proto, port)
  return sockets.length > 0 && sockets.every(isLoopback)
}

/** The seed's server line on each accepted connection, before the peer it prints. */
const CONNECTED_PREFIX = 'Conexão estabelecida com '

/** A peer's address as a program printed it, Python's way: `('a.b.c.d', port)`, or, from a dual-stack socket on
 * `::`, `('::ffff:a.b.c.d', port, 0, 0)` or `('::ffff:a.b.c.d', port)` (a Node server printing rinfo, a Python one
 * printing its first two fields). The IPv4 address and port, whichever form; undefined for another text. */
export function printedPeer(text: string): { address: string; port: number } | undefined {
  if (text.startsWith(CONNECTED_PREFIX)) return printedPeer(text.slice(CONNECTED_PREFIX.length))
  const match = text.match(/^\('(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)', (\d+)(?:, \d+, \d+)?\)$/i)
  return match ? { address: match[1], port: Number(match[2]) } : undefined
}
