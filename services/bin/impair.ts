// Impairments (delay, jitter, reordering, duplication, corruption, burst loss, rate with a queue) on one host,
// by the kernel's netem where it has one and the plan allows, else by the userspace engine lab-impair.py behind
// a netfilter queue. The engine (engine/plan/impair.ts) writes the plan; lab-net.ts calls startImpairments.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { ImpairPlan, SidecarEvent } from './protocol.ts'

/** The skip reason when netem is forced and missing (a `skip` event). */
export const NO_NETEM =
  'this kernel has no sch_netem, or one that cannot take a seed (Linux and iproute2 6.7), so delay and jitter cannot be applied'
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
  /** Why the engine ended before the lab stopped it, when it did: every later packet passed unimpaired (the queue's
   * --queue-bypass), so the run cannot be judged. */
  died(): string | undefined
}

const tc = (args: string[]) => execFileSync('tc', args, { stdio: 'pipe' })
const iptables = (args: string[]) => execFileSync('iptables-legacy', ['-w', '-t', 'mangle', ...args], { stdio: 'pipe' })

/** How many lines of the engine's standard error are kept, to say why it died. */
const STDERR_LINES_KEPT = 20

/** Why the engine ended, in words: a Python traceback's last line says it best ("OSError: [Errno 90] Message too
 * long"). */
export function whyEngineDied(
  host: string,
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: string[],
): string {
  const said = stderr
    .map((line) => line.trim())
    .filter(Boolean)
    .at(-1)
  return `the impairment engine of ${host} died: ${said ?? (signal ? `killed by ${signal}` : `exit code ${code}`)}`
}

export async function startImpairments(
  plan: ImpairPlan,
  emit: (event: SidecarEvent) => void,
  host = process.env.LAB_HOST ?? 'host',
): Promise<Impairments> {
  const none = { programStarted() {}, stop: async () => ({}), died: () => undefined }
  if (plan.mode !== 'userspace' && plan.netem) {
    try {
      for (const args of plan.netem) tc(args)
      emit({ kind: 'impaired', by: 'netem', detail: plan.netem.map((args) => `tc ${args.join(' ')}`).join('; ') })
      return { by: 'netem', ...none }
    } catch {
      if (plan.mode === 'netem') {
        emit({ kind: 'skip', reason: NO_NETEM })
        return { by: 'skipped', ...none }
      }
    }
  } else if (plan.mode === 'netem') {
    emit({
      kind: 'skip',
      reason:
        'netem cannot apply these impairments (a filter, a time window or ingress): run with SOCKET_LAB_IMPAIR=userspace or auto',
    })
    return { by: 'skipped', ...none }
  }
  const directions = new Set(
    plan.rules.flatMap((rule) => (rule.direction === 'both' ? ['in', 'out'] : [rule.direction])),
  )
  // Every IPv4 packet of eth0 in a needed direction goes to the queue; lab-impair.py filters by protocol and peer.
  // --queue-bypass: should the engine die, packets pass unimpaired instead of being dropped by an empty queue.
  // What the engine copies back out carries COPY_MARK: it is not queued again.
  const queued = (chain: string, device: string[]) =>
    iptables([
      '-A',
      chain,
      ...device,
      '-m',
      'mark',
      '!',
      '--mark',
      COPY_MARK,
      '-j',
      'NFQUEUE',
      '--queue-num',
      QUEUE,
      '--queue-bypass',
    ])
  if (directions.has('in')) queued('PREROUTING', ['-i', 'eth0'])
  if (directions.has('out')) queued('POSTROUTING', ['-o', 'eth0'])
  const engine = spawn(
    'python3',
    ['/usr/local/bin/lab-impair.py', JSON.stringify({ queue: Number(QUEUE), rules: plan.rules })],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  )
  const stderr: string[] = []
  createInterface({ input: engine.stderr! }).on('line', (line) => {
    console.error(line)
    stderr.push(line)
    if (stderr.length > STDERR_LINES_KEPT) stderr.shift()
  })
  let counters: Record<string, number> = {}
  let stopping = false
  let died: string | undefined
  const lines = createInterface({ input: engine.stdout! })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`lab-impair did not start within ${READY_DEADLINE_MS} ms`)),
      READY_DEADLINE_MS,
    )
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
  emit({ kind: 'impaired', by: 'userspace', detail: `NFQUEUE ${QUEUE}, ${[...directions].join(' and ')}` })
  // 'close', not 'exit': its last words on standard error may still be on their way.
  engine.once('close', (code, signal) => {
    if (stopping) return
    died = whyEngineDied(host, code, signal, stderr)
    emit({ kind: 'failed', error: died })
  })
  engine.stdin!.on('error', () => undefined) // a 'start' written after it died
  return {
    by: 'userspace',
    programStarted: () => {
      if (engine.exitCode === null) engine.stdin!.write('start\n')
    },
    stop: () => {
      stopping = true
      return stopEngine(engine, lines).then(() => counters)
    },
    died: () => died,
  }
}

function stopEngine(engine: ChildProcess, lines: ReturnType<typeof createInterface>): Promise<void> {
  // Killed by a signal, it has no exit code: waiting for its output to close would wait forever (it closed).
  if (engine.exitCode !== null || engine.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    lines.once('close', resolve)
    engine.kill('SIGTERM')
  })
}
