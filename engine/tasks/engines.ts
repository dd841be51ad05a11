// `grade --engines a,b,...`: the class spread over several Docker engines. One child `lab grade --row-lines` per
// engine, with DOCKER_HOST set to that engine and the indices of its share of the students; each runs up to its
// own --parallel. A child's rows come back as data, one JSON line each (`rowLineText` writes them, `rowLine` reads
// them), never as terminal text. The runtime needs nothing more: it talks to whichever engine DOCKER_HOST names
// (dockerode and the compose CLI).
import { errors, positiveInteger } from '../model/errors.ts'
import type { GradeRow } from '../model/grade.ts'
import { USER_DIR } from '../plan/layout.ts'
import { runChildLab } from '../runtime/child-lab.ts'

export interface Engine {
  /** As given: a docker context name or a DOCKER_HOST URL (unix://, tcp://, ssh://). */
  label: string
  dockerHost: string
  parallel: number
}

const URL = /^(unix|tcp|ssh|npipe):\/\//

/** `ctx1,unix:///run/b.sock=4`: each engine with an optional `=N`, its own number of labs at once. */
export async function parseEngines(option: string, defaultParallel: number, contextHost: (context: string) => Promise<string>): Promise<Engine[]> {
  const specs = option.split(',').map((s) => s.trim()).filter(Boolean)
  if (specs.length === 0) throw errors.usage('--engines takes a list: --engines ctx1,ctx2 or --engines unix:///var/run/docker.sock,tcp://lab2:2376=4')
  return Promise.all(specs.map(async (spec) => {
    const match = spec.match(/^(.*?)(?:=(\d+))?$/)!
    const label = match[1]
    const parallel = match[2] === undefined ? defaultParallel : positiveInteger('engines … =N', match[2])
    if (!URL.test(label) && !/^[\w.-]+$/.test(label)) throw errors.usage(`--engines: "${label}" is neither a docker context name nor a DOCKER_HOST URL (unix://, tcp://, ssh://)`)
    return { label, parallel, dockerHost: URL.test(label) ? label : await contextHost(label) }
  }))
}

/** Which students each engine grades: in turn, each to the engine with the least work per lab slot. */
export function shareOut(students: number, engines: Pick<Engine, 'parallel'>[]): number[][] {
  const shares: number[][] = engines.map(() => [])
  for (let i = 0; i < students; i++) {
    const engine = shares.reduce((best, share, e) => (share.length / engines[e].parallel < shares[best].length / engines[best].parallel ? e : best), 0)
    shares[engine].push(i)
  }
  return shares
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

/** The row line a child writes for one student: `{"index": 3, "row": {...}}`, its index in the whole class. */
export const rowLineText = (index: number, row: GradeRow) => `${JSON.stringify({ index, row })}\n`

/** A row line of a child, for one of the indices it was given. */
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
  const pending = new Set(indices)
  const end = await runChildLab({
    args: ['grade', ...args, '--slice', indices.join(','), '--parallel', String(engine.parallel), '--row-lines'],
    cwd: USER_DIR,
    env,
    onLine: (line) => {
      const got = rowLine(line, pending)
      if (!got) return
      pending.delete(got.index)
      onRow(got.row, got.index)
    },
  }).catch((error: Error) => { throw errors.engineFailed(engine.label, `cannot start the lab: ${error.message}`) })
  const failure = childFailure({ ...end, missing: pending.size })
  if (failure) throw errors.engineFailed(engine.label, failure)
}
