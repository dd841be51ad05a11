// The one way a sidecar applies a host's fault plan (services/bin/protocol.ts NetPlan): at the sidecar's start
// (lab-net.ts), and at a live lab's `reset` or `fresh` (control.ts). In the order the plan lists them: nftables,
// tc, impairments, timed tables, the link down. At the start, timed tables come back with their addresses filled
// in, for lab-net.ts to add and delete from the program's start; in a live lab, one without a time is added at
// once, and what needs the sidecar's start (an impairment, a time) is refused, saying so.
import { startImpairments, type Impairments } from './impair.ts'
import { withLossPatterns } from './loss-pattern.ts'
import { NOBODYS_MAC, run, withAddresses } from './net-ops.ts'
import type { ImpairPlan, NetPlan, SidecarEvent } from './protocol.ts'
import { withDevices } from './routing.ts'

export type TimedTables = NonNullable<NetPlan['timed']>

export interface AppliedPlan {
  /** The timed tables, addresses filled in, to schedule from the program's start (none in a live lab). */
  timed: TimedTables
  impairments?: Impairments
}

export interface ApplyOptions {
  /** 'start': the sidecar's start; 'live': a live lab's reset, while its programs may run. */
  at: 'start' | 'live'
  /** A host on several networks: its device on each (services/bin/routing.ts). */
  devices?: Record<string, string>
  emit: (event: SidecarEvent) => void
}

/** Why a live lab cannot take this plan, when it cannot. */
export function notLive(plan: NetPlan): string | undefined {
  if (plan.impair)
    return 'delay, jitter, reorder, duplicate, corrupt and burst-loss cannot be changed in a live lab yet: bring it up again with them (`lab down`, `lab up`)'
  if (plan.timed?.some((event) => event.atMs > 0 || event.untilMs !== undefined))
    return 'a partition with a time (atMs, forMs) cannot run in a live lab: `lab fault partition a b` cuts at once, `clear` heals'
  return undefined
}

export async function applyPlan(plan: NetPlan, { at, devices = {}, emit }: ApplyOptions): Promise<AppliedPlan> {
  const refused = at === 'live' ? notLive(plan) : undefined
  if (refused) throw new Error(refused)
  const note = (text: string) => emit({ kind: 'note', text })
  if (plan.nft) {
    run('nft', ['-f', '-'], withLossPatterns(await withAddresses(plan.nft, devices)))
    note('faults applied')
  }
  for (const args of plan.tc ?? []) {
    run(
      'tc',
      args.map((arg) => withDevices(arg, devices)),
    )
    note(`tc ${args.join(' ')}`)
  }
  const impairments =
    plan.impair &&
    (await startImpairments(JSON.parse(await withAddresses(JSON.stringify(plan.impair), devices)) as ImpairPlan, emit))
  const timed = await Promise.all(
    (plan.timed ?? []).map(async (event) => ({
      ...event,
      nft: await withAddresses(event.nft, devices),
      misdirect: event.misdirect && (await withAddresses(event.misdirect, devices)),
    })),
  )
  if (at === 'live') {
    for (const event of timed) addTimed(event)
  }
  if (plan.linkDown) {
    const device = typeof plan.linkDown === 'string' ? withDevices(plan.linkDown, devices) : 'eth0'
    run('ip', ['link', 'set', device, 'down'])
    note(`${device} down: nobody answers for this address`)
  }
  return { timed: at === 'live' ? [] : timed, ...(impairments ? { impairments } : {}) }
}

/** Adds a timed table (a partition: its frames to the peer misdirected meanwhile, see NetPlan.timed). */
export function addTimed(event: TimedTables[number]): void {
  run('nft', ['-f', '-'], event.nft)
  if (event.misdirect)
    run('ip', ['neigh', 'replace', event.misdirect, 'lladdr', NOBODYS_MAC, 'nud', 'permanent', 'dev', 'eth0'])
}
