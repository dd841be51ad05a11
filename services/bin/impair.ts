// Impairments (delay, jitter, reordering, duplication, corruption, burst loss, rate with a queue) on one host,
// by the kernel's netem where it has one and the plan allows, else by the userspace engine lab-impair.py behind
// a netfilter queue. The engine (engine/plan/impair.ts) writes the plan; lab-net.ts calls startImpairments.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

/** SOCKET_LAB_IMPAIR: auto (netem if the qdisc can be added, else userspace), or one of them by force. */
export type ImpairMode = 'auto' | 'netem' | 'userspace'
export const IMPAIR_MODES: readonly ImpairMode[] = ['auto', 'netem', 'userspace']

/** A time window in ms from the program's start, repeated every `everyMs` when set; open-ended without `forMs`. */
export interface ImpairWindow { atMs: number; forMs?: number; everyMs?: number }

/** One impairment as lab-impair.py applies it; the fields besides the filter are the fault's own (model/scenario.ts). */
export interface ImpairRule {
  kind: 'delay' | 'reorder' | 'duplicate' | 'corrupt' | 'loss' | 'burst-loss' | 'rate'
  direction: 'in' | 'out' | 'both'
  protocol?: 'tcp' | 'udp' | 'icmp' | 'all'
  /** A peer's address (a placeholder the sidecar resolves): only packets to or from it. */
  peer?: string
  windows?: ImpairWindow[]
  [parameter: string]: unknown
}

export interface ImpairPlan {
  mode: ImpairMode
  rules: ImpairRule[]
  /** The same rules as `tc` argv, when netem can say them all (egress, no filter, no window); else absent. */
  netem?: string[][]
}

/** The skip reason when netem is forced and missing; the engine reads it as `lab-net[host]: skip: …`. */
export const NO_NETEM = 'this kernel has no sch_netem, so delay and jitter cannot be applied'
/** Copies lab-impair.py sends carry this mark (SO_MARK), and the queue rules let marked packets by. */
const COPY_MARK = '0x10000/0x10000'
const QUEUE = '0'
const READY_DEADLINE_MS = 10_000

export interface Impairments {
  /** Which one applies them, for the report line. */
  by: 'netem' | 'userspace' | 'skipped'
  /** The program started: time windows count from now. */
  programStarted(): void
  /** Stops the engine (held packets go on their way) and returns what it counted. */
  stop(): Promise<Record<string, number>>
}

const tc = (args: string[]) => execFileSync('tc', args, { stdio: 'pipe' })
const iptables = (args: string[]) => execFileSync('iptables-legacy', ['-w', '-t', 'mangle', ...args], { stdio: 'pipe' })

export async function startImpairments(plan: ImpairPlan, say: (line: string) => void): Promise<Impairments> {
  const none = { programStarted() {}, stop: async () => ({}) }
  if (plan.mode !== 'userspace' && plan.netem) {
    try {
      for (const args of plan.netem) tc(args)
      say(`impairments by netem: ${plan.netem.map((args) => `tc ${args.join(' ')}`).join('; ')}`)
      return { by: 'netem', ...none }
    } catch {
      if (plan.mode === 'netem') {
        say(`skip: ${NO_NETEM}`)
        return { by: 'skipped', ...none }
      }
    }
  } else if (plan.mode === 'netem') {
    say('skip: netem cannot apply these impairments (a filter, a time window or ingress): run with SOCKET_LAB_IMPAIR=userspace or auto')
    return { by: 'skipped', ...none }
  }
  const directions = new Set(plan.rules.flatMap((rule) => (rule.direction === 'both' ? ['in', 'out'] : [rule.direction])))
  // Every IPv4 packet of eth0 in a needed direction goes to the queue; lab-impair.py filters by protocol and peer.
  // --queue-bypass: should the engine die, packets pass unimpaired instead of being dropped by an empty queue.
  if (directions.has('in')) iptables(['-A', 'PREROUTING', '-i', 'eth0', '-m', 'mark', '!', '--mark', COPY_MARK, '-j', 'NFQUEUE', '--queue-num', QUEUE, '--queue-bypass'])
  if (directions.has('out')) iptables(['-A', 'POSTROUTING', '-o', 'eth0', '-m', 'mark', '!', '--mark', COPY_MARK, '-j', 'NFQUEUE', '--queue-num', QUEUE, '--queue-bypass'])
  const engine = spawn('python3', ['/usr/local/bin/lab-impair.py', JSON.stringify({ queue: Number(QUEUE), rules: plan.rules })], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  let counters: Record<string, number> = {}
  const lines = createInterface({ input: engine.stdout! })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lab-impair did not start within ${READY_DEADLINE_MS} ms`)), READY_DEADLINE_MS)
    engine.once('exit', (code) => reject(new Error(`lab-impair exited with ${code} before it was ready`)))
    lines.on('line', (line) => {
      const found = line.match(/^lab-impair\[[\w-]+\]: counters (\{.*\})$/)
      if (found) counters = JSON.parse(found[1]) as Record<string, number>
      else console.log(line)
      if (line.includes(': ready on queue')) {
        clearTimeout(timer)
        resolve()
      }
    })
  })
  say(`impairments by userspace (NFQUEUE ${QUEUE}, ${[...directions].join(' and ')})`)
  return {
    by: 'userspace',
    programStarted: () => { engine.stdin!.write('start\n') },
    stop: () => stopEngine(engine, lines).then(() => counters),
  }
}

function stopEngine(engine: ChildProcess, lines: ReturnType<typeof createInterface>): Promise<void> {
  if (engine.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    lines.once('close', resolve)
    engine.kill('SIGTERM')
  })
}
