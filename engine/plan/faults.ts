// Turns a scenario's faults (data) into what each host's network sidecar applies: nftables rulesets, timed
// tables for partitions, tc commands, impairments (impair.ts). Pure: the sidecar (services/bin/lab-net.ts) only
// executes the plan.
import type { ImpairMode, ImpairRule } from '../../services/bin/protocol.ts'
import {
  addressPlaceholder as addressOf,
  devicePlaceholder as deviceOf,
  lossPlaceholder,
  type NetPlan,
} from '../../services/bin/protocol.ts'
import { impairMode, impairPlan, impairRule, isImpairment, validateImpairment, type ImpairFault } from './impair.ts'
import { faultSeed } from './seeds.ts'
import type { Direction, Fault, Protocol, Scenario } from '../model/scenario.ts'
import { attachments } from './topology.ts'

function chain(hook: 'input' | 'output' | 'forward', rules: string[], priority = 'filter'): string {
  if (!rules.length) return ''
  const lo = hook === 'input' ? 'iif "lo" accept' : hook === 'output' ? 'oif "lo" accept' : 'iif "lo" accept'
  return `  chain ${hook} {\n    type filter hook ${hook} priority ${priority}; policy accept;\n    ${[lo, ...rules].join('\n    ')}\n  }\n`
}

function table(name: string, input: string[], output: string[], priority?: string, forward: string[] = []): string {
  return `table inet ${name} {\n${chain('input', input, priority)}${chain('output', output, priority)}${chain('forward', forward, priority)}}\n`
}

/** A fault on one network of a multi-network host matches only that interface: what arrives on it (`iifname`) or
 * leaves by it (`oifname`); on a router it applies to what it forwards too. */
const onInterface = (fault: Fault, hook: 'input' | 'output') =>
  fault.network ? `${hook === 'input' ? 'iifname' : 'oifname'} "${deviceOf(fault.network)}" ` : ''
const FAULTS_ON_A_NETWORK = ['loss', 'blackhole', 'reject', 'rate', 'disconnect']

const matchProtocol = (protocol: Protocol = 'all') => (protocol === 'all' ? '' : `meta l4proto ${protocol} `)
const hooks = (direction: Direction = 'in') => ({ input: direction !== 'out', output: direction !== 'in' })

function hostsOf(fault: Fault): string[] {
  return fault.kind === 'partition' ? [fault.between[0]] : [fault.host]
}

/** Fails on a fault that names no host of the scenario or has an impossible value: a scenario bug. */
export function validateFaults(scenario: Pick<Scenario, 'hosts' | 'faults' | 'networks'>): void {
  for (const fault of scenario.faults ?? []) {
    const named = fault.kind === 'partition' ? fault.between : [fault.host]
    for (const host of named) {
      if (!(host in scenario.hosts))
        throw new Error(`fault ${fault.kind} names host "${host}", which the scenario does not declare`)
    }
    // nftables compares `numgen random mod 100` with a whole number only, and tc takes whole kbit here
    if (fault.kind === 'loss' && !(Number.isInteger(fault.percent) && fault.percent >= 0 && fault.percent <= 100))
      throw new Error(`loss must be a whole number from 0 to 100 %, not ${fault.percent}`)
    if (fault.kind === 'rate' && !(Number.isInteger(fault.kbit) && fault.kbit > 0))
      throw new Error(`rate must be a whole number of kbit/s from 1, not ${fault.kbit}`)
    if (
      fault.kind === 'partition' &&
      !((fault.atMs ?? 0) >= 0 && (fault.forMs ?? 0) >= 0 && Number.isFinite((fault.atMs ?? 0) + (fault.forMs ?? 0)))
    )
      throw new Error(`partition must start and last 0 ms or more, not at ${fault.atMs} ms for ${fault.forMs} ms`)
    if (fault.network !== undefined) validateFaultNetwork(scenario, fault)
    if (isImpairment(fault))
      validateImpairment(fault as ImpairFault, scenario.faults ?? [], Object.keys(scenario.hosts))
  }
}

function validateFaultNetwork(scenario: Pick<Scenario, 'hosts' | 'faults' | 'networks'>, fault: Fault): void {
  const [host] = hostsOf(fault)
  if (!FAULTS_ON_A_NETWORK.includes(fault.kind))
    throw new Error(`fault ${fault.kind} cannot name a network yet (only ${FAULTS_ON_A_NETWORK.join(', ')} can)`)
  if (!attachments(scenario, scenario.hosts[host]).some(([name]) => name === fault.network))
    throw new Error(`fault ${fault.kind} names network "${fault.network}", which host "${host}" is not attached to`)
}

/** What one fault adds to its host's plan: rules of the host's `lab` table, or its plan's other parts. */
interface FaultTarget {
  plan: NetPlan
  rules: { input: string[]; output: string[]; forward: string[] }
  /** The host is a router: what it forwards is faulted too. */
  routes: boolean
  /** The seed of this fault's draws in one chain (input, output, forward): each rule counts its own packets. */
  seedOf: (chain: string) => number
}

type NetFault<K extends Fault['kind']> = Extract<Fault, { kind: K }>

/** A timed table's window, from a fault's `atMs` and `forMs`. */
const windowOf = (fault: { atMs?: number; forMs?: number }) => ({
  atMs: fault.atMs ?? 0,
  untilMs: fault.forMs === undefined ? undefined : (fault.atMs ?? 0) + fault.forMs,
})

/** How each fault that nftables, tc or ip say (not the impairment engine) goes into its host's plan, by kind. */
const NET_FAULTS: {
  [K in 'loss' | 'blackhole' | 'reject' | 'partition' | 'rate' | 'disconnect']: (
    fault: NetFault<K>,
    to: FaultTarget,
  ) => void
} = {
  loss(fault, { rules, routes, seedOf }) {
    if (fault.percent === 0) return
    // Drawn from the run's seed (services/bin/loss-pattern.ts), not by `numgen random`, which cannot be seeded; all
    // is all. The forward chain's two rules count apart: each sees its own packets.
    const rule = (chain: string) =>
      `${matchProtocol(fault.protocol)}${fault.percent === 100 ? '' : `${lossPlaceholder(seedOf(chain), fault.percent)} `}counter drop comment "loss"`
    const { input, output } = hooks(fault.direction)
    if (input) rules.input.push(onInterface(fault, 'input') + rule('input'))
    if (output) rules.output.push(onInterface(fault, 'output') + rule('output'))
    if (routes && input) rules.forward.push(onInterface(fault, 'input') + rule('forward-in'))
    if (routes && output) rules.forward.push(onInterface(fault, 'output') + rule('forward-out'))
  },
  blackhole(fault, { plan, rules, routes }) {
    const input = [`${onInterface(fault, 'input')}counter drop comment "blackhole"`]
    const output = [`${onInterface(fault, 'output')}counter drop comment "blackhole"`]
    const forward = routes ? [...input, ...(fault.network ? output : [])] : []
    if (fault.atMs === undefined && fault.forMs === undefined) {
      rules.input.push(...input)
      rules.output.push(...output)
      rules.forward.push(...forward)
      return
    }
    // A host (a router) that goes dark for a while, then comes back: a table of its own, added and deleted.
    const name = `lab_blackhole_${(plan.timed ??= []).length}`
    plan.timed.push({ ...windowOf(fault), table: name, nft: table(name, input, output, 'filter - 1', forward) })
  },
  reject(fault, { rules }) {
    const protocol = fault.protocol ?? 'tcp'
    const port = fault.port === undefined ? `meta l4proto ${protocol}` : `${protocol} dport ${fault.port}`
    const answer = protocol === 'tcp' ? 'reject with tcp reset' : 'reject with icmpx type port-unreachable'
    rules.input.push(`${onInterface(fault, 'input')}${port} counter ${answer} comment "reject"`)
  },
  partition(fault, { plan }) {
    const peer = addressOf(fault.between[1])
    // What the peer sends is dropped on the way in; what goes to the peer is misdirected (see NetPlan.timed), only
    // counted here: an nftables drop on output would fail the sender's send() with EPERM, which no real cut does.
    // one table per timed fault: the sidecar deletes a partition's table when it heals, which must not heal another
    const name = `lab_partition_${(plan.timed ??= []).length}`
    const nft = table(
      name,
      [`ip saddr ${peer} counter drop comment "partition"`],
      [`ip daddr ${peer} counter comment "partition"`],
      'filter - 1',
    )
    plan.timed.push({ ...windowOf(fault), table: name, nft, misdirect: peer })
  },
  rate(fault, { plan }) {
    // burst: two full-size frames, or about 10 ms of traffic at high rates, as tbf needs; no more, or a measured
    // transfer would start with a free burst (at 1 Mbit/s, 3000 B is 0.3 % of the 1 MiB rate-limit times)
    const burstBytes = Math.max(3000, Math.round((fault.kbit * 1000) / 8 / 100))
    ;(plan.tc ??= []).push([
      'qdisc',
      'add',
      'dev',
      fault.network ? deviceOf(fault.network) : 'eth0',
      'root',
      'tbf',
      'rate',
      `${fault.kbit}kbit`,
      'burst',
      String(burstBytes),
      'latency',
      '200ms',
    ])
  },
  disconnect(fault, { plan }) {
    plan.linkDown = fault.network ? deviceOf(fault.network) : true
  },
}

/** The network plan of every host that has a fault; hosts without one get the default (isolation only). Every
 * random draw comes from `seed` (engine/plan/seeds.ts): one seed per fault, its host, its direction or chain. */
export function netPlans(
  scenario: Pick<Scenario, 'hosts' | 'faults' | 'networks'>,
  { seed, mode = impairMode() }: { seed: number; mode?: ImpairMode },
): Record<string, NetPlan> {
  validateFaults(scenario)
  const plans: Record<string, NetPlan> = {}
  const impairments: Record<string, ImpairRule[]> = {}
  const rules: Record<string, FaultTarget['rules']> = {}
  for (const [index, fault] of (scenario.faults ?? []).entries()) {
    const [host] = hostsOf(fault)
    const plan = (plans[host] ??= {})
    const seedOf = (chain: string) => faultSeed(seed, host, chain, index, fault.kind)
    if (isImpairment(fault)) {
      ;(impairments[host] ??= []).push(impairRule(fault as ImpairFault, addressOf, seedOf))
      continue
    }
    const apply = NET_FAULTS[fault.kind as keyof typeof NET_FAULTS] as (fault: Fault, to: FaultTarget) => void
    apply(fault, {
      plan,
      rules: (rules[host] ??= { input: [], output: [], forward: [] }),
      routes: scenario.hosts[host]?.router !== undefined,
      seedOf,
    })
  }
  for (const [host, { input, output, forward }] of Object.entries(rules)) {
    if (input.length || output.length || forward.length)
      plans[host].nft = table('lab', input, output, undefined, forward)
  }
  for (const [host, hostRules] of Object.entries(impairments)) plans[host].impair = impairPlan(hostRules, mode)
  return plans
}
