// The bench's `mininet` section: the same TCP greeting as tcp-basic, on Mininet (Debian's `mininet` package: two
// namespaces on a Linux bridge, `switch=LinuxBridge, controller=None`), the baseline issue 15 compares with.
// Docker sets bridge-nf-call-iptables with a FORWARD DROP policy, which would drop the bridge's own frames: a
// FORWARD accept for Mininet's bridge is added while it runs and removed after, even on failure.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { formatMs } from '../engine/judge/checks.ts'
import { ROOT } from '../engine/plan/layout.ts'
import { median, summarize } from './figures.ts'

const run = promisify(execFile)
const PYTHON = '/usr/bin/python3' // Debian's, where the mininet package installs its module
const SCRIPT = path.join(ROOT, 'bench', 'mininet-greeting.py')
const PROGRAMS = path.join(ROOT, 'services', 'programs', 'python')
const BRIDGE_ACCEPT = ['FORWARD', '-i', 's1', '-o', 's1', '-j', 'ACCEPT']

export async function mininet(runs: number): Promise<string> {
  const found = await run('which', ['mn']).then(
    () => true,
    () => false,
  )
  if (!found) return 'Not measured: `mn` is not installed here (`apt-get install mininet bridge-utils` adds it).'
  const whole: number[] = []
  const inside: number[] = []
  await run('iptables', ['-I', ...BRIDGE_ACCEPT])
  try {
    await run(PYTHON, [SCRIPT, PROGRAMS]) // one warm-up run, not counted
    for (let i = 0; i < runs; i++) {
      const started = performance.now()
      const { stdout } = await run(PYTHON, [SCRIPT, PROGRAMS])
      whole.push(performance.now() - started)
      inside.push(Number(stdout.trim().split('\n').at(-1)))
      console.error(`mininet ${i + 1}/${runs}: ${formatMs(whole.at(-1)!)}`)
    }
  } finally {
    await run('iptables', ['-D', ...BRIDGE_ACCEPT])
  }
  return [
    `The guide's Python TCP greeting (services/programs/python/tcp-server.py and tcp-client.py) on Mininet: two`,
    `hosts on a Linux bridge, no controller; ${runs} runs after one warm-up.`,
    '',
    summarize({ 'whole process (python3 bench/mininet-greeting.py)': whole, 'topology up to down, inside': inside }),
    '',
    `- median, whole process: **${formatMs(median(whole))}**`,
  ].join('\n')
}
