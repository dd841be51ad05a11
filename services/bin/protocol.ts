// The one grammar between the engine and what runs inside a lab host: the plan the engine hands each network
// sidecar (LAB_NET), the events the sidecar prints back (one JSON object per line after a fixed prefix), the marks
// lab-run and lab-limit.ts print in a program's output, and the links and files through which a host's containers
// tell each other they are ready. The engine and services/bin/* import this file; lab-run (a shell script) spells
// the same names, and services/bin/protocol.test.ts holds it to them.
/** What a host's network sidecar applies, in order, before its program starts (engine/plan/faults.ts writes it). */
export interface NetPlan {
  /** nftables ruleset applied before the program starts. */
  nft?: string
  /** Tables added `atMs` after the program started and deleted at `untilMs` (partitions). `misdirect`: an address
   * whose frames go, meanwhile, to a MAC address nobody has, so they leave as usual and the bridge's other ports
   * discard them: the sender sees a silent cut (TCP backs off, UDP's sendto succeeds), as on a real network. */
  timed?: { atMs: number; untilMs?: number; table: string; nft: string; misdirect?: string }[]
  /** tc commands (argv after `tc`), for rate limits. */
  tc?: string[][]
  /** Delay, jitter, reordering, duplication, corruption, burst loss: by netem or the userspace engine (impair.ts). */
  impair?: ImpairPlan
  /** Write every packet of eth0 to /capture/<host>.pcap. */
  capture?: boolean
  /** Take eth0 (or this device, a placeholder of one network's interface) down once set up: the host's address then
   * belongs to nobody. */
  linkDown?: boolean | string
  /** The names Docker's resolver may be asked (the lab's hosts); any other query is refused (services/bin/dns-wall.ts).
   * Without it, the host's own name alone. */
  labNames?: string[]
  /** The port (TCP listening, or UDP bound) whose opening this sidecar announces to the lab's other hosts. */
  listens?: number
  /** The hosts whose listening the program waits for (LAB_WAIT_FOR): timed faults count from then, its start. */
  waitFor?: string[]
  /** A host of a multi-network lab (services/bin/routing.ts): its interface on each network, found by address,
   * with the network's gateway (the bridge's address on the machine, blocked like the base lab's). A capture then
   * writes one pcap per interface, /capture/<host>.<network>.pcap. */
  interfaces?: { network: string; address: string; gateway: string }[]
  /** Every subnet of the lab: what a host sends or forwards anywhere else is dropped (the lab's bridges are not
   * Docker-internal, see engine/plan/topology.ts). */
  labSubnets?: string[]
  /** Routes to add once the default route is gone: `to` a subnet or 'default', `via` a router's address. */
  routes?: { to: string; via: string }[]
  /** A router: forwarding is on (a sysctl Docker sets); what it forwards to a gateway is dropped too. */
  forward?: boolean
  /** Masquerade out of `network`; port forwards from it to hosts behind the router. */
  nat?: { network: string; forwards: { port: number; protocol: 'tcp' | 'udp'; to: string; toPort: number }[] }
}

/** In a plan, a host's lab address: the sidecar resolves the name inside the lab when it applies the plan. */
export const addressPlaceholder = (host: string) => `{{address:${host}}}`
/** In a plan, this host's device on one of the scenario's networks (services/bin/routing.ts finds it by address). */
export const devicePlaceholder = (network: string) => `{{dev:${network}}}`
/** In an nftables ruleset, a random loss of `percent` % drawn from `seed` (services/bin/loss-pattern.ts): the sidecar
 * puts the set of lost packet numbers in its place. */
export const lossPlaceholder = (seed: number, percent: number) => `{{loss:${seed}:${percent}}}`
export const LOSS_PLACEHOLDER = /\{\{loss:(\d+):(\d+)\}\}/g
const ADDRESS_PLACEHOLDER = /\{\{address:([\w-]+)\}\}/g
const DEVICE_PLACEHOLDER = /\{\{dev:([\w-]+)\}\}/g

/** The hosts whose address a plan's text names, once each. */
export const hostsNamedIn = (text: string): string[] => [
  ...new Set([...text.matchAll(ADDRESS_PLACEHOLDER)].map((found) => found[1])),
]

/** The text with each address placeholder filled in (one of a host not in `addresses` stays). */
export const withAddressesOf = (text: string, addresses: Record<string, string>): string =>
  text.replace(ADDRESS_PLACEHOLDER, (placeholder, host: string) => addresses[host] ?? placeholder)

/** The text with each device placeholder filled in (one of a network not in `devices` stays). */
export const withDevicesOf = (text: string, devices: Record<string, string>): string =>
  text.replace(DEVICE_PLACEHOLDER, (placeholder, network: string) => devices[network] ?? placeholder)

/** The pcap of one interface of a multi-network host. */
export const interfaceCapture = (host: string, network: string) => `/capture/${host}.${network}.pcap`

/** SOCKET_LAB_IMPAIR: auto (netem if the qdisc can be added, else userspace), or one of them by force. */
export type ImpairMode = 'auto' | 'netem' | 'userspace'
export const IMPAIR_MODES: readonly ImpairMode[] = ['auto', 'netem', 'userspace']

/** A time window in ms from the program's start, repeated every `everyMs` when set; open-ended without `forMs`. */
export interface ImpairWindow {
  atMs: number
  forMs?: number
  everyMs?: number
}

/** One impairment as lab-impair.py applies it; the fields besides the filter are the fault's own (model/scenario.ts). */
export interface ImpairRule {
  kind: 'delay' | 'reorder' | 'duplicate' | 'corrupt' | 'loss' | 'burst-loss' | 'rate'
  direction: 'in' | 'out' | 'both'
  protocol?: 'tcp' | 'udp' | 'icmp' | 'all'
  /** A peer's address (a placeholder the sidecar resolves): only packets to or from it. */
  peer?: string
  windows?: ImpairWindow[]
  /** The seed of its draws in each direction it applies to (engine/plan/seeds.ts); without one, unseeded. */
  seeds?: Partial<Record<'in' | 'out', number>>
  [parameter: string]: unknown
}

export interface ImpairPlan {
  mode: ImpairMode
  rules: ImpairRule[]
  /** The same rules as `tc` argv, when netem can say them all (egress, no filter, no window); else absent. */
  netem?: string[][]
}

/** What a sidecar tells the engine, one event a line. `note`s are for people reading the log; the engine reads the
 * others. */
export type SidecarEvent =
  | { kind: 'note'; text: string }
  | { kind: 'address'; address: string }
  /** A multi-network host's interfaces, in its networks' order: the device holding its address on each, and the
   * device's index (which names its frames in a capture of every interface). */
  | { kind: 'interfaces'; networks: Record<string, { device: string; index: number; address: string }> }
  | { kind: 'gateway-blocked'; gateway: string }
  | { kind: 'ready' }
  /** Timed faults count from here: the hosts this one waits for listen, so its program starts about now (a router
   * with no program container has no other start to count its run from). */
  | { kind: 'timed-start' }
  /** A timed fault's table went on or came off, as the sidecar did it (its line's time is when). */
  /** `at`: the sidecar's own clock (epoch ms) once the change was made; its log line can come later on a busy
   * machine. */
  | { kind: 'fault-on'; table: string; at?: number }
  | { kind: 'fault-off'; table: string; at?: number }
  | { kind: 'port-open'; port: number }
  /** The program listens, but on other sockets than `port`, and has for a while (a wrong port). */
  | { kind: 'port-elsewhere'; port: number; sockets: string[] }
  | { kind: 'listening'; sockets: string[] }
  | { kind: 'counters'; counters: Record<string, number> }
  | { kind: 'skip'; reason: string }
  | { kind: 'impaired'; by: 'netem' | 'userspace'; detail: string }
  /** tcpdump's closing statistics: packets it wrote, those its filter received, those the kernel dropped. */
  | { kind: 'capture-ended'; captured: number; received: number; dropped: number }
  | { kind: 'capture-capped'; at: string }
  /** A capture asked for by the control command `capture start` captures, into `file`. */
  | { kind: 'capture-started'; file: string }
  | { kind: 'failed'; error: string }

export type SidecarEventKind = SidecarEvent['kind']

/** Every event line starts with this, then the host's name in brackets, then the JSON object. */
export const EVENT_PREFIX = 'lab-net'

export function formatEvent(host: string, event: SidecarEvent): string {
  return `${EVENT_PREFIX}[${host}] ${JSON.stringify(event)}`
}

const EVENT_LINE = /^lab-net\[([\w.-]+)\] (\{.*\})$/

/** The event a line carries, or undefined for any other line (a program's own output never parses as one: it is
 * not on a sidecar's stdout). */
export function parseEvent(line: string): (SidecarEvent & { host: string }) | undefined {
  const found = line.match(EVENT_LINE)
  if (!found) return undefined
  try {
    const event = JSON.parse(found[2]) as SidecarEvent
    return typeof event?.kind === 'string' ? { ...event, host: found[1] } : undefined
  } catch {
    return undefined
  }
}

/** tcpdump's closing statistics as it prints them on standard error. */
export function tcpdumpStats(text: string): { captured: number; received: number; dropped: number } | undefined {
  const found = text.match(
    /(\d+) packets? captured\s+(\d+) packets? received by filter\s+(\d+) packets? dropped by kernel/,
  )
  return found ? { captured: Number(found[1]), received: Number(found[2]), dropped: Number(found[3]) } : undefined
}

/** Printed on standard error by lab-run just before the program starts: the zero of every timing. */
export const START_MARK = 'lab-run: start'
/** Printed on standard error by lab-run in a warm rerun once the last run's processes are gone (before its go). */
export const CLEARED_MARK = 'lab-run: cleared'
/** Printed on standard error by an armed lab-run (LAB_ARM) before it waits for its token. */
export const ARMED_MARK = 'lab-run: armed'
/** An armed lab-run's FIFO: the sidecar writes the run's token into it (control.ts `arm`). */
export const armFifo = (host: string) => `${SYNC_DIR}/${host}.arm`
/** Printed on standard error by lab-limit.ts when a submitted program wrote past its output limit; it ends with
 * the limiter's nonce, in parentheses, as the program cannot (it prints the same words as it likes). */
export const OUTPUT_CUT_MARK = 'lab-run: output cut after'
/** Printed on standard error by lab-limit.ts before the program starts: its nonce, which its cut mark ends with.
 * The first such line is the limiter's: nothing of the program has run yet. */
export const LIMIT_MARK = 'lab-run: output limited'

/** The link a sidecar adds as its last step: the program container (lab-run) starts the program once it exists. */
export const READY_LINK = 'lab-ready'
/** The link a sidecar adds when its setup failed: lab-run gives up at once. */
export const FAILED_LINK = 'lab-failed'
/** The lab's shared tmpfs, where each sidecar says its host listens (read-only in program containers). */
export const SYNC_DIR = '/lab-sync'
export const listeningFlag = (host: string) => `${SYNC_DIR}/${host}.listening`
/** Written by a sidecar once its setup is over (done or failed): the programs that start after this host wait for
 * it (LAB_START_AFTER in lab-run) instead of Compose starting their containers one after another. */
export const readyFlag = (host: string) => `${SYNC_DIR}/${host}.ready`

/** A warm rerun's go for a host's program (services/bin/lab-run's LAB_GO): written by a sidecar once every host of
 * the lab is reset, holding the run's token. */
export const goFlag = (host: string) => `${SYNC_DIR}/${host}.go`

/** Docker's own DNS resolver listens in every host: never a program's socket. */
export const DOCKER_RESOLVER = '127.0.0.11'

/** The compose service of a host's network sidecar. */
export const sidecarName = (host: string) => `${host}-net`

// --- A live lab's control commands (services/bin/control.ts), as the engine asks them (engine/runtime/control.ts)
// and the sidecar reads them. On the wire (a socket's JSON line, lab-ctl.ts's argv) a command is a list of words.

export type ControlRequest =
  /** Undo every fault and apply `plan` (`lab fault`); `fresh` also flushes conntrack, closing sockets and the
   * host's listening flag, as a warm rerun needs. */
  | { verb: 'reset' | 'fresh'; plan?: NetPlan }
  /** Say when the program listens on `port`; with `go`, let it start once the sockets already listening are read. */
  | { verb: 'announce'; port: number; go?: string }
  /** Let a warm rerun's program of `host` start. */
  | { verb: 'go'; host: string; go: string }
  /** Make the FIFO an armed lab-run of `host` waits on; with `go`, hand it the run's token. */
  | { verb: 'arm'; host: string; go?: string }
  /** Report the fault counters and the sockets listening. */
  | { verb: 'counters' }
  /** Start a capture named `id` (eth0, or every interface), within a cold run's caps, into onDemandCapture(id); it
   * says `capture-started` once tcpdump captures. Stop says how it ended (`capture-ended`, `capture-capped`): the
   * file is then whole, for the engine to read. A capture of the same id that runs is stopped first. */
  | { verb: 'capture'; action: 'start'; id: string; allInterfaces?: boolean }
  | { verb: 'capture'; action: 'stop'; id: string }

export type ControlVerb = ControlRequest['verb']

export const CONTROL_USAGE =
  'lab-ctl: reset [PLAN] | fresh [PLAN] | announce PORT [GO] | go HOST GO | arm HOST [GO] | counters | capture start ID [all] | capture stop ID'

/** Where the sidecar writes the capture of `capture start ID`: in the sidecar, read by the engine once stopped. */
export const onDemandCapture = (id: string) => `/capture/on-demand-${id}.pcap`

const HOST_NAME = /^[\w-]+$/

/** A command as the words that carry it. */
export function formatControl(request: ControlRequest): string[] {
  switch (request.verb) {
    case 'reset':
    case 'fresh':
      return [request.verb, ...(request.plan ? [JSON.stringify(request.plan)] : [])]
    case 'announce':
      return ['announce', String(request.port), ...(request.go ? [request.go] : [])]
    case 'go':
      return ['go', request.host, request.go]
    case 'arm':
      return ['arm', request.host, ...(request.go ? [request.go] : [])]
    case 'counters':
      return ['counters']
    case 'capture':
      return request.action === 'start'
        ? ['capture', 'start', request.id, ...(request.allInterfaces ? ['all'] : [])]
        : ['capture', 'stop', request.id]
  }
}

/** The command some words carry; an Error saying the usage for any other words. */
export function parseControl(args: string[]): ControlRequest {
  const [verb, first, second, third] = args
  const wrong = (usage: string) => new Error(`lab-ctl: ${usage}`)
  switch (verb) {
    case 'reset':
    case 'fresh': {
      if (first === undefined || first === '') return { verb }
      let plan: unknown
      try {
        plan = JSON.parse(first)
      } catch {
        throw wrong(`${verb} takes a plan in JSON, not "${first.slice(0, 80)}"`)
      }
      if (typeof plan !== 'object' || plan === null || Array.isArray(plan))
        throw wrong(`${verb} takes a plan in JSON, an object`)
      return { verb, plan: plan as NetPlan }
    }
    case 'announce': {
      const port = Number(first)
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw wrong('announce PORT [GO]')
      return { verb, port, ...(second ? { go: second } : {}) }
    }
    case 'go':
      if (!HOST_NAME.test(first ?? '') || !second) throw wrong('go HOST GO')
      return { verb, host: first, go: second }
    case 'arm':
      if (!HOST_NAME.test(first ?? '')) throw wrong('arm HOST [GO]')
      return { verb, host: first, ...(second ? { go: second } : {}) }
    case 'counters':
      return { verb }
    case 'capture':
      if (!HOST_NAME.test(second ?? '')) throw wrong('capture start ID [all] | capture stop ID')
      if (first === 'start' && (third === undefined || third === 'all'))
        return { verb, action: 'start', id: second, ...(third ? { allInterfaces: true } : {}) }
      if (first === 'stop' && third === undefined) return { verb, action: 'stop', id: second }
      throw wrong('capture start ID [all] | capture stop ID')
    default:
      throw new Error(`${CONTROL_USAGE}, not "${verb ?? ''}"`)
  }
}
