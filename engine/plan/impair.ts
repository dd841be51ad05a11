// Impairments (delay, jitter, reordering, duplication, corruption, burst loss, rate with a queue) as one plan per
// host, in one vocabulary for both appliers: netem, where the kernel has it and netem can say the plan, and the
// sidecar's userspace engine (services/bin/lab-impair.py) everywhere. Pure: the sidecar chooses and applies.
import type { ImpairMode, ImpairPlan, ImpairRule, ImpairWindow } from '../../services/bin/protocol.ts'
import { IMPAIR_MODES } from '../../services/bin/protocol.ts'
import { errors } from '../model/errors.ts'
import type { Fault, ImpairScope } from '../model/scenario.ts'

/** The environment variable that picks the applier; auto (the default) is netem where it can be added. */
export const IMPAIR_ENV = 'SOCKET_LAB_IMPAIR'

export function impairMode(value = process.env[IMPAIR_ENV]): ImpairMode {
  if (value === undefined || value === '') return 'auto'
  if (!(IMPAIR_MODES as readonly string[]).includes(value)) throw errors.impairMode(IMPAIR_ENV, value, IMPAIR_MODES)
  return value as ImpairMode
}

export type ImpairFault = Extract<Fault, { kind: ImpairRule['kind'] }>
const ALWAYS_ENGINE = new Set(['delay', 'reorder', 'duplicate', 'corrupt', 'burst-loss'])

/** Whether the fault is an impairment: always for the netem kinds; loss and rate only when nftables or tbf cannot
 * say them (a peer, a time window, a correlation, a queue, an ingress rate). */
export function isImpairment(fault: Fault): boolean {
  if (ALWAYS_ENGINE.has(fault.kind)) return true
  if (fault.kind !== 'loss' && fault.kind !== 'rate') return false
  const timed =
    fault.atMs !== undefined || fault.forMs !== undefined || fault.everyMs !== undefined || fault.phases !== undefined
  if (fault.kind === 'loss') return timed || fault.peer !== undefined || Boolean(fault.correlation)
  return (
    timed ||
    fault.peer !== undefined ||
    fault.queue !== undefined ||
    (fault.direction ?? 'out') !== 'out' ||
    (fault.protocol ?? 'all') !== 'all'
  )
}

function windowsOf(scope: ImpairScope): ImpairWindow[] | undefined {
  if (scope.phases) return scope.phases
  if (scope.atMs === undefined && scope.forMs === undefined && scope.everyMs === undefined) return undefined
  return [{ atMs: scope.atMs ?? 0, forMs: scope.forMs, everyMs: scope.everyMs }]
}

/** One fault as lab-impair.py's rule; `addressOf` turns the peer's name into what the sidecar resolves, `seedOf` gives
 * the seed of its draws in each direction it applies to (a rule on both draws apart in each, so that neither
 * direction's decisions depend on how the other's packets were timed against them). */
export function impairRule(
  fault: ImpairFault,
  addressOf: (host: string) => string,
  seedOf: (direction: string) => number,
): ImpairRule {
  const {
    host: _host,
    peer,
    atMs: _at,
    forMs: _for,
    everyMs: _every,
    phases: _phases,
    direction,
    ...parameters
  } = fault
  const windows = windowsOf(fault)
  const applies = direction ?? (fault.kind === 'loss' ? 'in' : 'out')
  return {
    ...parameters,
    direction: applies,
    ...(peer !== undefined && { peer: addressOf(peer) }),
    ...(windows && { windows }),
    // A rate draws nothing: its queue's decisions are the packets' timing.
    ...(fault.kind !== 'rate' && {
      seeds: Object.fromEntries((applies === 'both' ? ['in', 'out'] : [applies]).map((d) => [d, seedOf(d)])),
    }),
  }
}

const percent = (value: number) => `${value}%`
const withCorrelation = (rule: ImpairRule) => (rule.correlation ? [percent(rule.correlation as number)] : [])

/** The rules as one netem qdisc on egress, when netem can say them: all on egress, unfiltered, untimed, one each. */
export function netemArgs(rules: ImpairRule[]): string[][] | undefined {
  const kinds = rules.map((rule) => (rule.kind === 'burst-loss' ? 'loss' : rule.kind))
  if (new Set(kinds).size !== kinds.length) return undefined
  if (
    rules.some(
      (r) =>
        r.direction !== 'out' ||
        (r.protocol ?? 'all') !== 'all' ||
        r.peer !== undefined ||
        r.windows ||
        r.recomputeChecksum,
    )
  )
    return undefined
  const args = ['qdisc', 'add', 'dev', 'eth0', 'root', 'netem']
  for (const rule of rules) {
    switch (rule.kind) {
      case 'delay':
        args.push('delay', `${rule.ms}ms`)
        if (rule.jitterMs)
          args.push(
            `${rule.jitterMs}ms`,
            ...withCorrelation(rule),
            ...(rule.distribution && rule.distribution !== 'uniform'
              ? ['distribution', rule.distribution as string]
              : []),
          )
        break
      case 'reorder':
        args.push(
          'reorder',
          percent(rule.percent as number),
          ...withCorrelation(rule),
          ...(rule.gap ? ['gap', String(rule.gap)] : []),
        )
        break
      case 'duplicate':
      case 'corrupt':
        args.push(rule.kind, percent(rule.percent as number), ...withCorrelation(rule))
        break
      case 'loss':
        args.push('loss', 'random', percent(rule.percent as number), ...withCorrelation(rule))
        break
      case 'burst-loss': {
        const m = rule.model as Record<string, number>
        if ('p' in m)
          args.push('loss', 'gemodel', percent(m.p), percent(m.r), percent(m.badLoss ?? 100), percent(m.goodLoss ?? 0))
        else args.push('loss', 'state', ...['p13', 'p31', 'p32', 'p23', 'p14'].map((k) => percent(m[k] ?? 0)))
        break
      }
      case 'rate':
        args.push('rate', `${rule.kbit}kbit`, ...(rule.queue ? ['limit', String(rule.queue)] : []))
        break
    }
  }
  // One PRNG per qdisc (Linux and iproute2 6.7 take its seed); where tc refuses the word, auto falls back to the
  // userspace engine, which is seeded too: an unseeded netem would not rerun a run.
  const seed = rules.find((rule) => rule.seeds?.out !== undefined)?.seeds?.out
  if (seed !== undefined) args.push('seed', String(seed))
  return [args]
}

export function impairPlan(rules: ImpairRule[], mode: ImpairMode): ImpairPlan {
  const netem = netemArgs(rules)
  return { mode, rules, ...(netem && { netem }) }
}

const inPercent = (value: unknown) => typeof value === 'number' && value >= 0 && value <= 100

/** Fails on an impairment that cannot be applied: a scenario bug, said in one line. */
export function validateImpairment(fault: ImpairFault, faults: Fault[], hosts: string[]): void {
  const where = `fault ${fault.kind} on ${fault.host}`
  if (fault.peer !== undefined && !hosts.includes(fault.peer))
    throw new Error(`${where} names peer "${fault.peer}", which the scenario does not declare`)
  const percents = {
    percent: 'percent' in fault ? fault.percent : undefined,
    correlation: 'correlation' in fault ? fault.correlation : undefined,
  }
  for (const [field, value] of Object.entries(percents)) {
    if (value !== undefined && !inPercent(value)) throw new Error(`${where}: ${field} must be 0 to 100 %, not ${value}`)
  }
  if (fault.kind === 'delay' && !(fault.ms >= 0 && (fault.jitterMs ?? 0) >= 0))
    throw new Error(`${where}: delay and jitter must be 0 ms or more`)
  if (fault.kind === 'reorder' && !faults.some((f) => f.kind === 'delay' && f.host === fault.host)) {
    throw new Error(
      `${where}: reordering sends some packets ahead of delayed ones, so it needs a delay on the same host`,
    )
  }
  if (fault.kind === 'burst-loss' && !Object.values(fault.model).every(inPercent))
    throw new Error(`${where}: every probability of the model must be 0 to 100 %`)
  for (const window of windowsOf(fault) ?? []) {
    if (
      !(window.atMs >= 0) ||
      (window.forMs !== undefined && !(window.forMs > 0)) ||
      (window.everyMs !== undefined && !(window.everyMs > (window.forMs ?? Infinity)))
    ) {
      throw new Error(`${where}: a time window needs atMs >= 0, forMs > 0, and everyMs longer than forMs`)
    }
  }
}
