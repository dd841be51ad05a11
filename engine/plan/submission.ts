// A student's own program, run in a host in place of the reference program. The file is copied into the
// run's folder (so the unprivileged program user can read it whatever its owner and mode) and mounted
// read-only; how it runs follows from its name, or from its #! line.
import { chmod, copyFile, mkdir, open, stat } from 'node:fs/promises'
import path from 'node:path'
import { errors } from '../model/errors.ts'
import { userPath } from './layout.ts'

/** Where a submission is mounted inside its host. */
export const SUBMISSION_DIR = '/opt/lab/submission'

/** Output a submitted program may write (stdout and stderr together) before it is stopped and noted as cut. */
export const OUTPUT_LIMIT_BYTES = 1024 * 1024

const RUNNERS: Record<string, string[]> = {
  '.py': ['python3'],
  '.js': ['node'],
  '.mjs': ['node'],
  '.cjs': ['node'],
  '.ts': ['node'], // the image's NODE_OPTIONS strips types
}

export interface StagedSubmission {
  /** The host folder mounted at SUBMISSION_DIR. */
  dir: string
  command: string[]
  /** The path the user gave, for reports. */
  source: string
}

/** How a file runs: by extension, else directly when it is executable and starts with #!. */
export async function commandFor(file: string): Promise<string[]> {
  const info = await stat(file).catch(() => undefined)
  if (!info?.isFile()) throw errors.usage(`cannot read the program "${file}": no such file`)
  const inside = `${SUBMISSION_DIR}/${path.basename(file)}`
  const runner = RUNNERS[path.extname(file).toLowerCase()]
  if (runner) return [...runner, inside]
  const handle = await open(file)
  const { buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0).finally(() => handle.close())
  if (buffer.toString() === '#!' && (info.mode & 0o111) !== 0) return [inside]
  throw errors.usage(`cannot tell how to run "${file}": name it .py, .js, .mjs, .cjs or .ts, or make it executable with a #! line`)
}

export async function stageSubmission(host: string, source: string, workDir: string): Promise<StagedSubmission> {
  const command = await commandFor(source)
  const dir = path.join(workDir, `submission-${host}`)
  await mkdir(dir, { recursive: true })
  const staged = path.join(dir, path.basename(source))
  await copyFile(source, staged)
  await chmod(dir, 0o755)
  await chmod(staged, command.length === 1 ? 0o755 : 0o644)
  return { dir, command, source }
}

export interface HostOptions { server?: string; client?: string; host?: string[] }

/** What --server X, --client Y and --host name=Z (repeatable) give, by host: files for a run, globs for grade. */
export function filesByHost(options: HostOptions, what: 'path' | 'glob'): Record<string, string> {
  const byHost: Record<string, string> = {}
  if (options.server) byHost.server = options.server
  if (options.client) byHost.client = options.client
  for (const option of options.host ?? []) {
    const match = option.match(/^([\w-]+)=(.+)$/)
    if (!match) throw errors.usage(`--host takes name=${what}, not "${option}"`)
    byHost[match[1]] = match[2]
  }
  return byHost
}

/** The programs given on the command line, by host: --server F, --client F, --host name=F (repeatable). */
export async function submissionsFromOptions(options: HostOptions): Promise<Record<string, string>> {
  const submissions = filesByHost(options, 'path')
  for (const [host, file] of Object.entries(submissions)) {
    submissions[host] = userPath(file)
    await commandFor(submissions[host]) // fails early on a file that cannot run
  }
  return submissions
}
