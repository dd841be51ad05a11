// `grade --engines`: what talks to the engines. A context's DOCKER_HOST comes from the docker CLI, and each
// engine's share of the class is graded by a child `lab grade --row-lines` with DOCKER_HOST set to it
// (engine/tasks/engines.ts decides who grades whom). The child is the lab's own command (bin/socket-lab.mjs,
// which the package ships), and its rows come back as data, one JSON line each, never as terminal text.
import { execFile, spawn } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { errors } from '../model/errors.ts'
import type { GradeRow } from '../model/grade.ts'
import { ROOT, USER_DIR } from '../plan/layout.ts'
import type { Engine } from '../tasks/engines.ts'

export async function contextHost(context: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('docker', ['context', 'inspect', context, '--format', '{{.Endpoints.docker.Host}}'])
    return stdout.trim()
  } catch {
    throw errors.usage(`--engines: no docker context "${context}"; \`docker context ls\` lists them`)
  }
}

export interface EngineRun {
  engine: Engine
  /** The child's arguments after `lab grade`, without --slice, --parallel, --row-lines. */
  args: string[]
  /** The students it grades, by index in the whole class. */
  indices: number[]
  /** Each row the child finished, with the student's index in the class. */
  onRow: (row: GradeRow, index: number) => void
}

/** Why a child's grading failed, or undefined when it gave a verdict (0: all passed, 1: some did not) and a
 * row for every student it was given. A child killed by a signal gave no verdict, whatever it wrote before. */
export function childFailure({ code, signal, missing, lastLine }: { code: number | null; signal: NodeJS.Signals | null; missing: number; lastLine: string }): string | undefined {
  if (signal) return `its lab was killed by ${signal}`
  if (code !== 0 && code !== 1) return lastLine.replace(/^socket-lab: /, '') || `its lab exited with ${code}`
  if (missing) return `its lab ended without a row for ${missing} student${missing === 1 ? '' : 's'}`
  return undefined
}

/** A row line of a child: `{"index": 3, "row": {...}}`, for one of the indices it was given. */
export function rowLine(line: string, indices: Set<number>): { index: number; row: GradeRow } | undefined {
  try {
    const { index, row } = JSON.parse(line) as { index: unknown; row: GradeRow }
    if (typeof index === 'number' && indices.has(index) && typeof row?.student === 'string' && typeof row.verdict === 'string') return { index, row }
  } catch {
    // not a row line
  }
  return undefined
}

/** Runs one child `lab grade` on its engine; each of its rows reaches onRow as it comes. It fails, with one line
 * naming the engine, when the child fails, is killed, or ends without a row for every student it was given. */
export async function gradeOnEngine({ engine, args, indices, onRow }: EngineRun): Promise<void> {
  if (indices.length === 0) return
  // The child resolves the user's relative globs as the parent does: from the user's folder, not the package's.
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: engine.dockerHost, NO_COLOR: '1', CI: '1', INIT_CWD: USER_DIR }
  delete env.DOCKER_CONTEXT // it would override DOCKER_HOST
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/socket-lab.mjs'), 'grade', ...args,
    '--slice', indices.join(','), '--parallel', String(engine.parallel), '--row-lines'], { cwd: USER_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr = `${stderr}${chunk}`.slice(-64 * 1024)))
  const pending = new Set(indices)
  const lines = createInterface({ input: child.stdout })
  lines.on('line', (line) => {
    const got = rowLine(line, pending)
    if (!got) return
    pending.delete(got.index)
    onRow(got.row, got.index)
  })
  const ended = new Promise<void>((resolve) => lines.once('close', resolve))
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (c, s) => resolve([c, s]))
  }).catch((error: Error) => { throw errors.engineFailed(engine.label, `cannot start the lab: ${error.message}`) })
  await ended
  const failure = childFailure({ code, signal, missing: pending.size, lastLine: stderr.trim().split('\n').at(-1) ?? '' })
  if (failure) throw errors.engineFailed(engine.label, failure)
}
