// `grade --engines a,b,...`: the class spread over several Docker engines. One child `lab grade --row-lines` per
// engine, with DOCKER_HOST set to that engine and the indices of its share of the students; each runs up to its
// own --parallel. A child's rows come back as data, one JSON line each (`rowLineText` writes them, `rowLine` reads
// them), never as terminal text. The runtime needs nothing more: it talks to whichever engine DOCKER_HOST names
// (dockerode and the compose CLI).
import { rm } from 'node:fs/promises'
import { LabError, errors, positiveInteger } from '../model/errors.ts'
import type { GradeRow } from '../model/grade.ts'
import { USER_DIR } from '../plan/layout.ts'
import { runChildLab } from '../runtime/child-lab.ts'
import { namedContextHost } from '../runtime/docker.ts'

export interface Engine {
  /** As given: a docker context name or a DOCKER_HOST URL (unix://, tcp://, ssh://). */
  label: string
  dockerHost: string
  parallel: number
}

const URL = /^(unix|tcp|ssh|npipe):\/\//

/** `ctx1,unix:///run/b.sock=4`: each engine with an optional `=N`, its own number of labs at once. */
export async function parseEngines(
  option: string,
  defaultParallel: number,
  contextHost: (context: string) => Promise<string>,
): Promise<Engine[]> {
  const specs = option
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (specs.length === 0)
    throw errors.usage(
      '--engines takes a list: --engines ctx1,ctx2 or --engines unix:///var/run/docker.sock,tcp://lab2:2376=4',
    )
  return Promise.all(
    specs.map(async (spec) => {
      const match = spec.match(/^(.*?)(?:=(\d+))?$/)!
      const label = match[1]
      const parallel = match[2] === undefined ? defaultParallel : positiveInteger('engines … =N', match[2])
      if (!URL.test(label) && !/^[\w.-]+$/.test(label))
        throw errors.usage(
          `--engines: "${label}" is neither a docker context name nor a DOCKER_HOST URL (unix://, tcp://, ssh://)`,
        )
      return { label, parallel, dockerHost: URL.test(label) ? label : await contextHost(label) }
    }),
  )
}

/** Which students each engine grades: in turn, each to the engine with the least work per lab slot. */
export function shareOut(students: number, engines: Pick<Engine, 'parallel'>[]): number[][] {
  const shares: number[][] = engines.map(() => [])
  for (let i = 0; i < students; i++) {
    const engine = shares.reduce(
      (best, share, e) =>
        share.length / engines[e].parallel < shares[best].length / engines[best].parallel ? e : best,
      0,
    )
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
export function childFailure({
  code,
  signal,
  missing,
  lastLine,
}: {
  code: number | null
  signal: NodeJS.Signals | null
  missing: number
  lastLine: string
}): string | undefined {
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
    if (
      typeof index === 'number' &&
      indices.has(index) &&
      typeof row?.student === 'string' &&
      typeof row.verdict === 'string'
    )
      return { index, row }
  } catch {
    // not a row line
  }
  return undefined
}

/** Runs one child `lab grade` on its engine; each of its rows reaches onRow as it comes. It fails, with one line
 * naming the engine, when the child fails, is killed, or ends without a row for every student it was given. */
async function gradeOnEngine({ engine, args, indices, onRow }: EngineRun): Promise<void> {
  if (indices.length === 0) return
  // The child resolves the user's relative globs as the parent does: from the user's folder, not the package's.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DOCKER_HOST: engine.dockerHost,
    NO_COLOR: '1',
    CI: '1',
    INIT_CWD: USER_DIR,
  }
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
  }).catch((error: Error) => {
    throw errors.engineFailed(engine.label, `cannot start the lab: ${error.message}`)
  })
  const failure = childFailure({ ...end, missing: pending.size })
  if (failure) throw errors.engineFailed(engine.label, failure)
}

export interface EnginesGrading {
  /** --engines' list. */
  option: string
  /** The child's arguments after `lab grade`: the scenario and the options passed on. */
  args: string[]
  /** The students to grade, by index in the class. */
  todo: number[]
  /** Labs at once, for an engine whose =N does not say. */
  parallel: number
  /** grade --report FILE: each child writes a class page of its own beside it, removed once merged. */
  reportFile?: string
  /** How many students had their row before any engine started (kept or refused), for the note. */
  kept: number
  note: (line: string) => void
}

/** --engines: one child `lab grade` per engine, each with its share of the students to grade; each row reaches
 * `onRow` with its index in the class as the child sends it. An engine that fails loses none of its finished
 * rows: each of its students not graded gets a row that says so (`notGraded`), and the first failure is returned. */
export async function gradeOnEngines(
  { option, args, todo, parallel, reportFile, kept, note }: EnginesGrading,
  notGraded: (index: number, why: string) => GradeRow,
  onRow: (row: GradeRow, index: number) => void,
): Promise<{ rows: Map<number, GradeRow>; failure?: LabError }> {
  const engines = await parseEngines(option, parallel, namedContextHost)
  const shares = shareOut(todo.length, engines).map((share) => share.map((k) => todo[k]))
  note(
    `grading ${todo.length} submission${todo.length === 1 ? '' : 's'} on ${engines.length} engine${engines.length === 1 ? '' : 's'}: ${engines.map((e, i) => `${e.label} (${shares[i].length}, ${e.parallel} at a time)`).join(', ')}${kept ? ` (${kept} kept or refused)` : ''}`,
  )
  for (const engine of engines) {
    if (engine.dockerHost.startsWith('tcp://'))
      note(
        `${engine.label}: a plain tcp:// engine is neither encrypted nor authenticated: anyone who reaches its port can run containers there (use ssh:// or TLS)`,
      )
  }
  const childReport = (i: number) => `${reportFile!.replace(/\.html?$/, '')}.engine-${i + 1}.html`
  const rows = new Map<number, GradeRow>()
  const take = (row: GradeRow, index: number) => {
    if (rows.has(index)) return
    rows.set(index, row)
    onRow(row, index)
  }
  const failures = await Promise.all(
    engines.map((engine, i) =>
      gradeOnEngine({
        engine,
        indices: shares[i],
        onRow: take,
        args: [...args, ...(reportFile ? ['--report', childReport(i)] : [])],
      }).then(
        () => undefined,
        (error: unknown) => {
          if (!(error instanceof LabError)) throw error
          for (const index of shares[i]) take(notGraded(index, `not graded: ${error.message}`), index)
          return error
        },
      ),
    ),
  )
  if (reportFile) await Promise.all(engines.map((_, i) => rm(childReport(i), { force: true })))
  return { rows, failure: failures.find(Boolean) }
}
