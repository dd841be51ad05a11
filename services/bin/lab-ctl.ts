// A live lab's hand on a host's network, run in its sidecar with `docker exec` (the only container of the host
// with NET_ADMIN): `reset [PLAN]` undoes every fault and applies a new plan (`lab fault`); `fresh [PLAN]` also
// flushes conntrack and the host's listening flag, as a warm rerun needs; `announce PORT` says when the program listens, as lab-net.ts
// does at start; `counters` prints the fault counters and listening sockets. It speaks the sidecar's events.
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { listeningSockets } from './proc-sockets.ts'
import { GATEWAY_TABLE, NOBODYS_MAC, announceListening, counters, run, withAddresses } from './net-ops.ts'
import { formatEvent, listeningFlag, type NetPlan, type SidecarEvent } from './protocol.ts'
import { TOPOLOGY_TABLE } from './routing.ts'

const host = process.env.LAB_HOST ?? 'host'
const emit = (event: SidecarEvent) => console.log(formatEvent(host, event))
/** A program that never listens: the engine gives up at 20 s (LISTEN_DEADLINE_MS); this exec ends soon after. */
const ANNOUNCE_DEADLINE_MS = 25_000

function reset(fresh: boolean): void {
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

const [verb, argument] = process.argv.slice(2)
try {
  switch (verb) {
    case 'reset':
    case 'fresh':
      reset(verb === 'fresh')
      if (argument) await apply(JSON.parse(argument) as NetPlan)
      emit({ kind: 'ready' })
      break
    case 'announce': {
      const deadline = setTimeout(() => process.exit(1), ANNOUNCE_DEADLINE_MS)
      await announceListening(host, Number(argument), emit)
      clearTimeout(deadline)
      break
    }
    case 'counters':
      emit({ kind: 'listening', sockets: listeningSockets() })
      emit({ kind: 'counters', counters: counters() })
      break
    default:
      throw new Error(`lab-ctl: reset [PLAN] | fresh [PLAN] | announce PORT | counters, not "${verb ?? ''}"`)
  }
} catch (error) {
  // A command's own complaint (nft's, tc's) says more than "Command failed".
  const said = String((error as { stderr?: unknown }).stderr ?? '').trim().split('\n').at(-1)
  emit({ kind: 'failed', error: said || (error as Error).message.split('\n')[0] })
  process.exitCode = 1
}
