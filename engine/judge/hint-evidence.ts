// Readers of a run's evidence for the hint rules (engine/judge/hints.ts): which sockets a host listened on,
// who played server and client, what the captures show between them. Pure functions over a LabRun.
import type { HintEvidence } from '../model/hints.ts'
import type { HostRun, Packet } from '../model/scenario.ts'
import { DOCKER_RESOLVER } from '../../services/bin/protocol.ts'
import { isLoopback, parseSocket, type ListeningSocket } from './sockets.ts'

/** The port of the exercise when the scenario names none (LAB_PORT's default). */
const DEFAULT_PORT = 12345

/** The sockets the program itself opened (Docker's resolver left out). */
export function listenersOf(host: HostRun): ListeningSocket[] {
  return (host.listening ?? [])
    .map(parseSocket)
    .filter((l): l is ListeningSocket => l !== undefined && l.address !== DOCKER_RESOLVER)
}

/** The port the scenario's servers listen on. */
export function expectedPort({ scenario }: HintEvidence): number {
  return Object.values(scenario?.hosts ?? {}).find((spec) => spec.listens !== undefined)?.listens ?? DEFAULT_PORT
}

/** Hosts the scenario declares as listening (the servers), with their runs. */
export function servers(evidence: HintEvidence): HostRun[] {
  const named = Object.entries(evidence.scenario?.hosts ?? {})
    .filter(([, spec]) => spec.listens !== undefined)
    .map(([name]) => name)
  return named.map((name) => evidence.run.hosts[name]).filter((h) => h !== undefined)
}

export const isServer = (evidence: HintEvidence, host: string) =>
  evidence.scenario?.hosts?.[host]?.listens !== undefined

export function submittedHosts({ run, submitted }: HintEvidence): HostRun[] {
  return submitted.map((name) => run.hosts[name]).filter((host) => host !== undefined)
}

/** The protocol the servers listen with on the exercise's port: their sockets say it, whatever the program. */
export function serverProto(evidence: HintEvidence): 'tcp' | 'udp' | undefined {
  const port = expectedPort(evidence)
  return servers(evidence)
    .flatMap(listenersOf)
    .find((l) => l.port === port)?.proto
}

/** Every packet any host captured (a packet crossing two hosts appears twice: filter by who captured it). */
export const capturedBy = (host: HostRun | undefined): Packet[] => host?.packets ?? []

/** Expected to end on its own (an exit code is expected), but still running when the lab ended. */
export function stuck(evidence: HintEvidence, host: HostRun): boolean {
  return host.started && host.exitCode === null && typeof evidence.scenario?.expect?.[host.host]?.exit === 'number'
}

/** A connection between a client and a server on the port: handshake done, and how many payload bytes each way. */
export interface Connection {
  client: HostRun
  server: HostRun
  established: boolean
  bytes: number
}

export function connections(evidence: HintEvidence): Connection[] {
  const port = expectedPort(evidence)
  const found: Connection[] = []
  for (const server of servers(evidence)) {
    for (const client of Object.values(evidence.run.hosts)) {
      if (client === server || !client.address || !server.address) continue
      const seen = [...capturedBy(server), ...capturedBy(client)].filter(
        (p) =>
          p.proto === 'tcp' &&
          ((p.src === client.address && p.dst === server.address && p.dport === port) ||
            (p.src === server.address && p.dst === client.address && p.sport === port)),
      )
      if (!seen.some((p) => p.flags === 'S')) continue
      found.push({
        client,
        server,
        established: seen.some((p) => p.flags === 'S.'),
        bytes: seen.reduce((sum, p) => sum + p.length, 0),
      })
    }
  }
  return found
}

/** Levenshtein distance, for the printed line closest to an expected one. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    previous = row
  }
  return previous[b.length]
}

/** The line most like `expected` (at least half its characters in common), or undefined. */
export function closestLine(expected: string, lines: string[]): string | undefined {
  const scored = lines.map((line) => ({
    line,
    score: 1 - distance(expected, line) / Math.max(expected.length, line.length, 1),
  }))
  const best = scored.sort((a, b) => b.score - a.score)[0]
  return best && best.score >= 0.5 ? best.line : undefined
}
