// `grade --engines`: what talks to the engines. A context's DOCKER_HOST comes from the docker CLI, and each
// engine's share of the class is graded by a child `lab grade` with DOCKER_HOST set to it (engine/tasks/engines.ts
// decides who grades whom).
import { execFile, spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { errors } from '../model/errors.ts'
import type { GradeRow } from '../model/grade.ts'
import { ROOT } from '../plan/layout.ts'
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
