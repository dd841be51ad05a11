// Docker's resolver in every host (127.0.0.11) answers the lab's names, and forwards every other name to the
// machine's own resolvers, even from an internal network (Docker 20.10, CVE-2024-29018): a program could carry
// data out in the names it asks for. The sidecar lets through only queries for the lab's own names, one question
// each, at a bounded rate (a flood must not keep dockerd busy); any other query to the resolver is refused at once
// (a port-unreachable, so a lookup fails in milliseconds instead of waiting for its timeout). The program
// containers have no capability to change it; it lives in the namespace they share with the sidecar.
import { DOCKER_RESOLVER } from './protocol.ts'

/** The table of the wall: set once by lab-net.ts, never reset (control.ts keeps it, as the gateway's). */
export const DNS_TABLE = 'lab-dns'
/** Queries a host may send the resolver each second, and at once: far above what a lab's programs look up (a
 * client resolves its server once or twice), far below what keeps dockerd busy. */
export const DNS_RATE_PER_SECOND = 200
export const DNS_BURST = 400

/** nftables compares raw payload in pieces of at most this many bytes. */
const PIECE_BYTES = 16
/** Where a query's question count and its first name are, in bits from the UDP header's start. */
const QDCOUNT_BIT = (8 + 4) * 8
const QNAME_BIT = (8 + 12) * 8

/** A name as DNS writes it: each label after its length, then a zero byte. */
export function wireName(name: string): Buffer {
  const labels = name.toLowerCase().replace(/\.$/, '').split('.')
  if (labels.some((label) => !/^[a-z0-9_-]{1,63}$/.test(label))) throw new Error(`"${name}" is no host name`)
  return Buffer.concat([
    ...labels.map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])),
    Buffer.from([0]),
  ])
}

/** The match of one name in the question, in nftables raw payload pieces. */
function nameMatch(name: string): string {
  const wire = wireName(name)
  const pieces: string[] = []
  for (let at = 0; at < wire.length; at += PIECE_BYTES) {
    const piece = wire.subarray(at, at + PIECE_BYTES)
    pieces.push(`@th,${QNAME_BIT + at * 8},${piece.length * 8} 0x${piece.toString('hex')}`)
  }
  return pieces.join(' ')
}

/** The wall's ruleset: the lab's names (lowercase, as Compose names services) pass within the rate. */
export function dnsWall(names: string[]): string {
  const toResolver = `ip daddr ${DOCKER_RESOLVER}`
  const allowed = [...new Set(names.map((name) => name.toLowerCase()))]
    .sort()
    .map((name) => `${toResolver} udp dport 53 @th,${QDCOUNT_BIT},16 1 ${nameMatch(name)} limit name "dns-rate" accept`)
  return [
    `table inet ${DNS_TABLE} {`,
    `  limit dns-rate { rate ${DNS_RATE_PER_SECOND}/second burst ${DNS_BURST} packets }`,
    '  chain output {',
    // Before Docker's own NAT (dstnat, -100) sends the query to dockerd's port: the port is still 53 here.
    '    type filter hook output priority -150; policy accept;',
    ...allowed.map((rule) => `    ${rule}`),
    `    ${toResolver} meta l4proto tcp counter reject with tcp reset`,
    `    ${toResolver} counter reject`,
    '  }',
    '}',
    '',
  ].join('\n')
}
