// `grade --engines a,b,...`: the class spread over several Docker engines. One child `lab grade` per engine,
// with DOCKER_HOST set to that engine and the indices of its share of the students; each runs up to its own
// --parallel and writes its rows to a file of its own, which the parent merges in the students' order. The
// runtime needs no change: it already talks to whichever engine DOCKER_HOST names (dockerode and the compose CLI).
import { execFile, spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { errors, positiveInteger } from '../model/errors.ts'
import type { GradeRow } from '../model/grade.ts'
import { ROOT } from '../plan/layout.ts'

export interface Engine {
  /** As given: a docker context name or a DOCKER_HOST URL (unix://, tcp://, ssh://). */
  label: string
  dockerHost: string
  parallel: number
}

const URL = /^(unix|tcp|ssh|npipe):\/\//

/** `ctx1,unix:///run/b.sock=4`: each engine with an optional `=N`, its own number of labs at once. */
export async function parseEngines(option: string, defaultParallel: number): Promise<Engine[]> {
  const specs = option.split(',').map((s) => s.trim()).filter(Boolean)
  if (specs.length === 0) throw errors.usage('--engines takes a list: --engines ctx1,ctx2 or --engines unix:///var/run/docker.sock,tcp://lab2:2376=4')
  return Promise.all(specs.map(async (spec) => {
    const match = spec.match(/^(.*?)(?:=(\d+))?$/)!
    const label = match[1]
    const parallel = match[2] === undefined ? defaultParallel : positiveInteger('engines … =N', match[2])
    return { label, parallel, dockerHost: URL.test(label) ? label : await contextHost(label) }
  }))
}

async function contextHost(context: string): Promise<string> {
  if (!/^[\w.-]+$/.test(context)) throw errors.usage(`--engines: "${context}" is neither a docker context name nor a DOCKER_HOST URL (unix://, tcp://, ssh://)`)
  try {
    const { stdout } = await promisify(execFile)('docker', ['context', 'inspect', context, '--format', '{{.Endpoints.docker.Host}}'])
    return stdout.trim()
  } catch {
    throw errors.usage(`--engines: no docker context "${context}"; \`docker context ls\` lists them`)
  }
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
  /** The child's arguments after `lab grade`, without --slice, --grades, --parallel. */
  args: string[]
  indices: number[]
  /** Where the child writes its rows (without .json). */
  grades: string
  /** Called for each student the child finished (a row line on its standard output). */
  onDone: () => void
}

/** A grade line of the terminal reporter: its mark, then the student. */
const ROW_LINE = /^[✔✘⊘] /

/** Runs one child `lab grade` on its engine and returns its rows; its failure is one line naming the engine. */
export async function gradeOnEngine({ engine, args, indices, grades, onDone }: EngineRun): Promise<GradeRow[]> {
  if (indices.length === 0) return []
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: engine.dockerHost, NO_COLOR: '1', CI: '1' }
  delete env.DOCKER_CONTEXT // it would override DOCKER_HOST
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'lab.ts'), 'grade', ...args,
    '--slice', indices.join(','), '--grades', grades, '--parallel', String(engine.parallel)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
  createInterface({ input: child.stdout }).on('line', (line) => ROW_LINE.test(line) && onDone())
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)))
  // 0 and 1 are verdicts (every row passed, or some did not); anything else is the child's own failure.
  if (code > 1) throw errors.engineFailed(engine.label, stderr.trim().split('\n').at(-1) ?? `exit ${code}`)
  return JSON.parse(await readFile(`${grades}.json`, 'utf8')) as GradeRow[]
}
