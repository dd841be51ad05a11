// What both the network sidecar (lab-net.ts, at a host's start) and its control commands (control.ts, in a live
// lab) do to a host's network: run a command, put lab addresses into a plan, read the fault counters.
import { execFile, execFileSync } from 'node:child_process'
import { renameSync, writeFileSync } from 'node:fs'
import { lookup } from 'node:dns/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { listeningEntries } from './proc-sockets.ts'
import { DOCKER_RESOLVER, hostsNamedIn, listeningFlag, withAddressesOf, type SidecarEvent } from './protocol.ts'
import { withDevices } from './routing.ts'

export const run = (cmd: string, args: string[], input?: string) =>
  execFileSync(cmd, args, { input, stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8' })

/** `run` without blocking: commands that may run at once (a live lab's reset) take the longest one's time. */
export const runAsync = promisify(execFile)

/** How long a host named in a fault may take to appear in Docker's DNS (every container of a lab starts at once,
 * so another host's may still be starting). */
const LOOKUP_DEADLINE_MS = 20_000

/** Fills in a plan's placeholders (services/bin/protocol.ts): each host's lab address (Docker's DNS answers the lab's
 * names inside the lab), and this host's device on each network (services/bin/routing.ts). */
export async function withAddresses(text: string, devices: Record<string, string> = {}): Promise<string> {
  const hosts = hostsNamedIn(text)
  const addresses = Object.fromEntries(
    await Promise.all(hosts.map(async (host) => [host, await addressOf(host)] as const)),
  )
  return withAddressesOf(withDevices(text, devices), addresses)
}

async function addressOf(name: string): Promise<string> {
  const deadline = Date.now() + LOOKUP_DEADLINE_MS
  for (;;) {
    try {
      return (await lookup(name, { family: 4 })).address
    } catch (error) {
      if (Date.now() > deadline) throw error
      await sleep(50)
    }
  }
}

/** Packets counted by every rule with a comment, summed by comment (the fault kind), in one table or all. */
export function counters(table?: string, totals: Record<string, number> = {}): Record<string, number> {
  const ruleset = JSON.parse(run('nft', ['-j', 'list', ...(table ? ['table', 'inet', table] : ['ruleset'])])) as {
    nftables: { rule?: { comment?: string; expr: { counter?: { packets: number } }[] } }[]
  }
  for (const { rule } of ruleset.nftables) {
    const packets = rule?.expr.find((e) => e.counter)?.counter?.packets
    if (rule?.comment && packets !== undefined) totals[rule.comment] = (totals[rule.comment] ?? 0) + packets
  }
  return totals
}

/** A locally administered unicast address that no lab interface has (see NetPlan.timed's misdirect). */
export const NOBODYS_MAC = '02:00:00:00:00:01'
/** The table that keeps the machine's gateway out of reach: set once by lab-net.ts, never reset. */
export const GATEWAY_TABLE = 'lab-gateway'

/** How often the host's sockets are read while its program has not opened its port yet: often in the first
 * second, when a server usually opens it (its clients wait for the flag), then less. */
const LISTEN_POLL_MS = [5, 20] as const
const LISTEN_POLL_FAST_MS = 1000

/** Tells the programs waiting for this host that it is there (a server: that it listens; a router: that it routes). */
export function flagListening(host: string, what: string): void {
  writeFlag(listeningFlag(host), what)
}

/** Writes a flag of /lab-sync whole, then renames it: a waiting program never sees half a file. */
export function writeFlag(flag: string, what: string): void {
  writeFileSync(`${flag}.part`, `${what}\n`)
  renameSync(`${flag}.part`, flag)
}

/** How long a program may listen on other ports only before the lab is told it does (a server that opens an
 * admin port first, then the exercise's, has this long). */
export const ELSEWHERE_GRACE_MS = 2000

/** Resolves once the program listens on `port`, having said so: to the engine (a port-open event), and to the
 * programs of the other hosts (services/bin/lab-run) as /lab-sync/<host>.listening. A program that listens on
 * other ports only, for ELSEWHERE_GRACE_MS, is reported once (a port-elsewhere event): the lab need not wait for
 * its deadline to fail a server on the wrong port. False when `signal` aborted first.
 * A socket that listens already when it starts is not the program's: in a warm rerun it is the last run's
 * server, killed but maybe not gone yet (its clients were refused, 3 warm runs in 25, before this). */
export function announceListening(
  host: string,
  port: number,
  emit: (event: SidecarEvent) => void,
  signal?: AbortSignal,
): Promise<boolean> {
  let elsewhereSince: number | undefined
  let toldElsewhere = false
  const before = new Set(listeningEntries().map((entry) => entry.inode))
  return new Promise((resolve) => {
    const started = Date.now()
    let poll: NodeJS.Timeout | undefined
    let done = false
    const every = (ms: number) => {
      clearInterval(poll)
      poll = setInterval(() => {
        look()
        if (!done && ms === LISTEN_POLL_MS[0] && Date.now() - started > LISTEN_POLL_FAST_MS) every(LISTEN_POLL_MS[1])
      }, ms)
    }
    const stop = () => ((done = true), clearInterval(poll), resolve(false))
    const look = () => {
      if (done) return
      const sockets = listeningEntries()
        .filter((entry) => !before.has(entry.inode) && !entry.socket.startsWith(`${DOCKER_RESOLVER}:`))
        .map((entry) => entry.socket)
      if (sockets.some((socket) => socket.endsWith(`:${port}/tcp`) || socket.endsWith(`:${port}/udp`))) {
        done = true
        clearInterval(poll)
        signal?.removeEventListener('abort', stop)
        flagListening(host, String(port))
        emit({ kind: 'port-open', port })
        return resolve(true)
      }
      if (!sockets.length) elsewhereSince = undefined // a socket that came and went (a lookup) is no server
      if (!sockets.length || toldElsewhere) return
      elsewhereSince ??= Date.now()
      if (Date.now() - elsewhereSince < ELSEWHERE_GRACE_MS) return
      toldElsewhere = true
      emit({ kind: 'port-elsewhere', port, sockets })
    }
    every(LISTEN_POLL_MS[0])
    if (signal?.aborted) return stop()
    signal?.addEventListener('abort', stop, { once: true })
    look() // a program that listens already (a warm rerun's announce may come after it) is told at once
  })
}
