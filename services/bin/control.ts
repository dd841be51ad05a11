// A live lab's hand on a host's network, in its sidecar: `reset [PLAN]` undoes every fault and applies a new plan
// (`lab fault`); `fresh [PLAN]` also flushes conntrack and the host's listening flag, as a warm rerun needs;
// `announce PORT` says when the program listens, as lab-net.ts does at start; `counters` reports the fault
// counters and listening sockets. It speaks the sidecar's events. Two ways in: the sidecar of a live lab serves
// it on a Unix socket in the lab's state folder (serveControl, one command a connection: a warm rerun asks it a
// few times and pays no process start), and lab-ctl.ts runs it through `docker exec` where that socket cannot be
// reached (an engine on another machine, a lab brought up before the socket existed).
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs'
import net from 'node:net'
import readline from 'node:readline'
import { listeningSockets } from './proc-sockets.ts'
import { GATEWAY_TABLE, NOBODYS_MAC, announceListening, counters, run, withAddresses } from './net-ops.ts'
import { formatEvent, listeningFlag, type NetPlan, type SidecarEvent } from './protocol.ts'
import { TOPOLOGY_TABLE } from './routing.ts'

/** A program that never listens: the engine gives up at 20 s (LISTEN_DEADLINE_MS); the announce ends soon after. */
const ANNOUNCE_DEADLINE_MS = 25_000

function reset(host: string, fresh: boolean): void {
  const { nftables } = JSON.parse(run('nft', ['-j', 'list', 'tables'])) as { nftables: { table?: { family: string; name: string } }[] }
  for (const { table } of nftables) {
    // The faults' tables are inet ones; Docker's (its DNS's NAT, as ip nat through iptables-nft) stay, and so do
    // the lab's walls: the gateway's, and a multi-network host's (deleting it let a router forward out of the lab).
    if (table?.family === 'inet' && table.name !== GATEWAY_TABLE && table.name !== TOPOLOGY_TABLE) run('nft', ['delete', 'table', 'inet', table.name])
  }
  try { run('tc', ['qdisc', 'del', 'dev', 'eth0', 'root']) } catch { /* none was there */ }
  run('ip', ['link', 'set', 'eth0', 'up'])
  run('ip', ['neigh', 'flush', 'dev', 'eth0', 'nud', 'permanent'])
  if (!fresh) return
  // Connections of the last run would otherwise still be tracked (an established flow skips new-flow rules).
  try { run('conntrack', ['-F']) } catch { /* an empty table, or an image without conntrack */ }
  // What the last run's connections left (TIME-WAIT above all) would refuse the next server its port: the
  // guide's server binds without SO_REUSEADDR, and a cold lab has none of them.
  try { run('ss', ['-K', ...['time-wait', 'fin-wait-1', 'fin-wait-2', 'last-ack', 'closing', 'close-wait'].flatMap((state) => ['state', state])]) } catch { /* a kernel without sock_destroy */ }
  // A router's flag says it forwards (lab-net.ts sets it at start, and its hosts' programs wait for it): it stays.
  const flag = listeningFlag(host)
  if (!existsSync(flag) || readFileSync(flag, 'utf8').trim() !== 'routing') rmSync(flag, { force: true })
}

/** Applies what can be applied at once; a fault that needs the sidecar's start (a timed one, an impairment)
 * is refused, saying so. */
async function apply(plan: NetPlan): Promise<void> {
  if (plan.impair) throw new Error('delay, jitter, reorder, duplicate, corrupt and burst-loss cannot be changed in a live lab yet: bring it up again with them (`lab down`, `lab up`)')
  if (plan.timed?.some((event) => event.atMs > 0 || event.untilMs !== undefined)) throw new Error('a partition with a time (atMs, forMs) cannot run in a live lab: `lab fault partition a b` cuts at once, `clear` heals')
  if (plan.nft) run('nft', ['-f', '-'], await withAddresses(plan.nft))
  for (const args of plan.tc ?? []) run('tc', args)
  for (const event of plan.timed ?? []) {
    run('nft', ['-f', '-'], await withAddresses(event.nft))
    if (event.misdirect) run('ip', ['neigh', 'replace', await withAddresses(event.misdirect), 'lladdr', NOBODYS_MAC, 'nud', 'permanent', 'dev', 'eth0'])
  }
  if (plan.linkDown) run('ip', ['link', 'set', 'eth0', 'down'])
}

/** Runs one command; false once it reported a failure. `signal` ends an announce nobody waits for any more. */
export async function control(host: string, args: string[], emit: (event: SidecarEvent) => void, signal?: AbortSignal): Promise<boolean> {
  const [verb, argument] = args
  try {
    switch (verb) {
      case 'reset':
      case 'fresh':
        reset(host, verb === 'fresh')
        if (argument) await apply(JSON.parse(argument) as NetPlan)
        emit({ kind: 'ready' })
        return true
      case 'announce': {
        const deadline = AbortSignal.timeout(ANNOUNCE_DEADLINE_MS)
        const opened = await announceListening(host, Number(argument), emit, signal ? AbortSignal.any([signal, deadline]) : deadline)
        if (!opened) emit({ kind: 'failed', error: `nothing listened on port ${argument}` })
        return opened
      }
      case 'counters':
        emit({ kind: 'listening', sockets: listeningSockets() })
        emit({ kind: 'counters', counters: counters() })
        return true
      default:
        throw new Error(`lab-ctl: reset [PLAN] | fresh [PLAN] | announce PORT | counters, not "${verb ?? ''}"`)
    }
  } catch (error) {
    // A command's own complaint (nft's, tc's) says more than "Command failed".
    const said = String((error as { stderr?: unknown }).stderr ?? '').trim().split('\n').at(-1)
    emit({ kind: 'failed', error: said || (error as Error).message.split('\n')[0] })
    return false
  }
}

/** Longest request line: a plan is a few KiB. */
const REQUEST_MAX_BYTES = 1 << 20

/** Serves `control` on a Unix socket: a connection sends one JSON line, `{"args": [...]}`, and reads the events
 * until the server ends it. Only the sidecar mounts the folder: the host's program containers never see it. */
export async function serveControl(host: string, socket: string): Promise<net.Server> {
  rmSync(socket, { force: true })
  const server = net.createServer((connection) => {
    const gone = new AbortController()
    connection.on('close', () => gone.abort())
    connection.on('error', () => gone.abort())
    const lines = readline.createInterface({ input: connection, crlfDelay: Infinity })
    let bytes = 0
    connection.on('data', (chunk: Buffer) => (bytes += chunk.length) > REQUEST_MAX_BYTES && connection.destroy())
    lines.once('line', (line) => {
      lines.close()
      const send = (event: SidecarEvent) => connection.writable && connection.write(`${formatEvent(host, event)}\n`)
      let args: unknown
      try { args = (JSON.parse(line) as { args?: unknown }).args } catch { /* answered below */ }
      if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) {
        send({ kind: 'failed', error: 'lab-ctl: a request is one JSON line {"args": [...]}' })
        connection.end()
        return
      }
      void control(host, args, send, gone.signal).finally(() => connection.end())
    })
  })
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socket, resolve))
  // The engine may run as the person who brought the lab up, not root; the folder above is theirs alone.
  chmodSync(socket, 0o666)
  return server
}
