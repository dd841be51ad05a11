// A child process of the lab's own command (bin/socket-lab.mjs, which the package ships), for work that runs
// in a process of its own: `grade --engines` starts one per Docker engine. Its standard output is read as lines
// (the child writes data there, JSON lines); its standard error is kept only for its last line, the one that
// says why a failed child failed.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { ROOT } from '../plan/layout.ts'

/** How much of the child's standard error is kept: its last lines are all a failure needs. */
const STDERR_KEPT_BYTES = 64 * 1024

export interface ChildLabEnd {
  code: number | null
  signal: NodeJS.Signals | null
  /** The last line the child wrote to its standard error ('' when none). */
  lastLine: string
}

/** Runs `lab <args>` in `cwd` with `env`; each line of its standard output reaches `onLine` as it comes. Resolves
 * once the child has ended and its output is read; rejects when it cannot start. */
export async function runChildLab({
  args,
  cwd,
  env,
  onLine,
}: {
  args: string[]
  cwd: string
  env: NodeJS.ProcessEnv
  onLine: (line: string) => void
}): Promise<ChildLabEnd> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/socket-lab.mjs'), ...args], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr = `${stderr}${chunk}`.slice(-STDERR_KEPT_BYTES)))
  const lines = createInterface({ input: child.stdout })
  lines.on('line', onLine)
  const read = new Promise<void>((resolve) => lines.once('close', resolve))
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (c, s) => resolve([c, s]))
  })
  await read
  return { code, signal, lastLine: stderr.trim().split('\n').at(-1) ?? '' }
}
