// A student's own program, run in a host in place of the reference program. The file is copied into the
// run's folder (so the unprivileged program user can read it whatever its owner and mode) and mounted
// read-only; how it runs follows from its name, or from its #! line. Submitted files are hostile: only a
// regular file is read (never what a symbolic link points to), and it is staged under a fixed name, so that
// its own name never reaches the compose file (where `${SECRET}.py` would be substituted).
import type { Language } from '../model/hints.ts'
import { constants } from 'node:fs'
import { chmod, lstat, mkdir, open, opendir, readdir, rm, writeFile, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { errors } from '../model/errors.ts'
import { userPath } from './layout.ts'

/** Where a submission is mounted inside its host. */
export const SUBMISSION_DIR = '/opt/lab/submission'

/** The name a submission is staged under, plus its extension when it has a runner. */
const STAGED_NAME = 'program'

/** A submitted program larger than this is refused: it is read into memory to be staged. */
export const PROGRAM_LIMIT_BYTES = 10 * 1024 * 1024

/** Output a submitted program may write (stdout and stderr together) before it is stopped and noted as cut. */
export const OUTPUT_LIMIT_BYTES = 1024 * 1024

const RUNNERS: Record<string, string[]> = {
  '.py': ['python3'],
  '.js': ['node'],
  '.mjs': ['node'],
  '.cjs': ['node'],
  '.ts': ['node'], // the image's NODE_OPTIONS strips types
}

/** The language a staged program is written in, by how it runs (a #! script: not known). */
export function languageOf(staged: Pick<StagedSubmission, 'command'>): Language | undefined {
  return staged.command[0] === 'python3' ? 'python' : staged.command[0] === 'node' ? 'node' : undefined
}

export interface StagedSubmission {
  /** The host folder mounted at SUBMISSION_DIR. */
  dir: string
  command: string[]
  /** The path the user gave, for reports. */
  source: string
}

/** Opens a submitted file without following a symbolic link, nor blocking on a FIFO; a regular file only. */
export async function openRegularFile(file: string): Promise<FileHandle> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ELOOP')
        throw errors.badSubmission(`"${file}" is a symbolic link: give the program file itself`)
      throw errors.badSubmission(
        `cannot read the program "${file}": ${error.code === 'ENOENT' ? 'no such file' : error.code}`,
      )
    },
  )
  const info = await handle.stat()
  if (!info.isFile() || info.size > PROGRAM_LIMIT_BYTES) {
    await handle.close()
    throw errors.badSubmission(
      `cannot read the program "${file}": ${info.isFile() ? 'larger than 10 MiB' : 'not a regular file'}`,
    )
  }
  return handle
}

interface Program {
  command: string[]
  /** The staged file's name in SUBMISSION_DIR. */
  name: string
  content: Buffer
}

/** Reads a submission and says how it runs: by extension, else directly when it is executable and starts with #!. */
async function readProgram(file: string): Promise<Program> {
  const handle = await openRegularFile(file)
  try {
    const [info, content] = [await handle.stat(), await handle.readFile()]
    const extension = path.extname(file).toLowerCase()
    const runner = RUNNERS[extension]
    if (runner)
      return {
        command: [...runner, `${SUBMISSION_DIR}/${STAGED_NAME}${extension}`],
        name: `${STAGED_NAME}${extension}`,
        content,
      }
    if (content.subarray(0, 2).toString() === '#!' && (info.mode & 0o111) !== 0)
      return { command: [`${SUBMISSION_DIR}/${STAGED_NAME}`], name: STAGED_NAME, content }
    throw errors.usage(
      `cannot tell how to run "${file}": name it .py, .js, .mjs, .cjs or .ts, or make it executable with a #! line`,
    )
  } finally {
    await handle.close()
  }
}

/** A folder holds at most this many files besides its program (a student's modules, a data file). */
const FOLDER_FILES_LIMIT = 50

/** Entries of a submission folder read at the most (hidden ones and subfolders included), so that a folder of a
 * million entries is refused before it is read into memory. */
const FOLDER_ENTRIES_LIMIT = 1000

/** What a non-regular entry is, for the sentence that refuses it. */
function kindOf(entry: { isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (entry.isSymbolicLink()) return 'a symbolic link (the lab follows none: commit the file itself)'
  if (entry.isFIFO()) return 'a FIFO'
  return entry.isSocket() ? 'a socket' : 'a device'
}

/**
 * The regular files of a submission folder, by name, sorted: what is staged and what `grade --resume` hashes.
 * Hidden entries (.git) and subfolders are passed over; a link, FIFO, socket or device is refused, naming it,
 * since the program may need it and the lab never opens one (a link to /dev/zero, a FIFO that blocks a read).
 */
export async function folderFiles(dir: string): Promise<string[]> {
  const files: string[] = []
  let read = 0
  const folder = await opendir(dir).catch((error: NodeJS.ErrnoException) => {
    throw errors.usage(`cannot read the folder "${dir}": ${error.code}`)
  })
  for await (const entry of folder) {
    if (++read > FOLDER_ENTRIES_LIMIT) {
      await folder.close().catch(() => undefined)
      throw errors.badSubmission(
        `"${dir}" holds more than ${FOLDER_ENTRIES_LIMIT} entries: a submission folder may hold ${FOLDER_FILES_LIMIT + 1} files`,
      )
    }
    if (entry.name.startsWith('.') || entry.isDirectory()) continue
    if (!entry.isFile()) {
      await folder.close().catch(() => undefined)
      throw errors.badSubmission(`"${path.join(dir, entry.name)}" is ${kindOf(entry)}`)
    }
    files.push(entry.name)
  }
  return files.sort()
}

/**
 * A submission may be a folder (`--server entregas/ana/`, or `grade --server 'entregas/*\/'`): its entry point is
 * the file named `preferred` (grade's --entry, or the exercise's starter) when the folder has it; else its only
 * program (a .py, .js, .mjs, .cjs or .ts file); else the one named main (main.py, main.js…); otherwise the
 * folder is refused, naming the programs. The folder's other regular files are staged beside it, under their
 * own names, so that the program can import them (folderFiles says which).
 */
export async function entryPoint(dir: string, preferred?: string): Promise<{ entry: string; others: string[] }> {
  const files = await folderFiles(dir)
  const programs = files.filter((name) => path.extname(name).toLowerCase() in RUNNERS)
  const entry =
    (preferred !== undefined && files.includes(preferred) ? preferred : undefined) ??
    (programs.length === 1 ? programs[0] : programs.find((name) => path.basename(name, path.extname(name)) === 'main'))
  if (!entry) {
    throw errors.usage(
      programs.length
        ? `several programs in "${dir}" (${programs.join(', ')}): name the entry point main.py (or main.js…), or give grade --entry NAME`
        : `no program in "${dir}" (a .py, .js, .mjs, .cjs or .ts file)`,
    )
  }
  const others = files.filter((name) => name !== entry)
  if (others.length > FOLDER_FILES_LIMIT)
    throw errors.usage(
      `"${dir}" holds ${others.length + 1} files: a submission folder may hold ${FOLDER_FILES_LIMIT + 1} at most`,
    )
  return { entry: path.join(dir, entry), others: others.map((name) => path.join(dir, name)) }
}

const isFolder = async (source: string) => (await lstat(source).catch(() => undefined))?.isDirectory() === true

/** How a file (or a folder's entry point) runs, as the command inside its host; a usage error if it cannot run. */
export async function commandFor(source: string): Promise<string[]> {
  return (await readProgram((await isFolder(source)) ? (await entryPoint(source)).entry : source)).command
}

export async function stageSubmission(
  host: string,
  source: string,
  workDir: string,
  entry?: string,
): Promise<StagedSubmission> {
  const folder = (await isFolder(source)) ? await entryPoint(source, entry) : { entry: source, others: [] }
  const { command, name, content } = await readProgram(folder.entry)
  const dir = path.join(workDir, `submission-${host}`)
  await mkdir(dir, { recursive: true })
  // Staged again into a lab that stays up (a watch, a pooled lab's next student): the folder is the one its host
  // has mounted, so it stays, and only what it holds goes, or one student would see the last one's files.
  await Promise.all((await readdir(dir)).map((name) => rm(path.join(dir, name), { recursive: true, force: true })))
  let bytes = content.length
  for (const other of folder.others) {
    if (path.basename(other) === name)
      throw errors.usage(`"${other}" has the name the lab gives the program: rename it`)
    const handle = await openRegularFile(other)
    try {
      const data = await handle.readFile()
      bytes += data.length
      if (bytes > PROGRAM_LIMIT_BYTES) throw errors.usage(`"${source}" holds more than 10 MiB`)
      await writeFile(path.join(dir, path.basename(other)), data, { mode: 0o644 })
    } finally {
      await handle.close()
    }
  }
  const staged = path.join(dir, name)
  await writeFile(staged, content)
  await chmod(dir, 0o755)
  await chmod(staged, command.length === 1 ? 0o755 : 0o644)
  return { dir, command, source }
}

export interface HostOptions {
  server?: string
  client?: string
  host?: string[]
}

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
