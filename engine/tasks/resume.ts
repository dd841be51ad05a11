// `grade --resume` and `grade --only-failed`: the rows of the last run that still hold. A row holds while the
// student's files are byte for byte the ones it graded (a sha256 of every host's file, kept in the JSON rows).
import { createHash } from 'node:crypto'
import { lstat, readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { errors } from '../model/errors.ts'
import type { GradeRow } from '../model/grade.ts'

export type ResumeMode = 'resume' | 'only-failed'

/** sha256 over each host's name and file content (a folder's: every file's name and content), hosts in name
 * order. A file that cannot be read hashes as missing, so that its row is never reused. */
export async function submissionHash(files: Record<string, string>): Promise<string> {
  const hash = createHash('sha256')
  const read = (file: string) => readFile(file).catch(() => Buffer.from(`missing ${Math.random()}`))
  for (const host of Object.keys(files).sort()) {
    hash.update(`${host}\0`)
    if ((await lstat(files[host]).catch(() => undefined))?.isDirectory()) {
      for (const name of (await readdir(files[host])).sort()) hash.update(name).update('\0').update(await read(path.join(files[host], name))).update('\0')
    } else {
      hash.update(await read(files[host]))
    }
    hash.update('\0')
  }
  return hash.digest('hex')
}

export async function previousRows(file: string): Promise<GradeRow[]> {
  const text = await readFile(file, 'utf8').catch(() => { throw errors.usage(`nothing to resume: ${file} does not exist (run grade once without --resume)`) })
  try {
    const rows = JSON.parse(text) as GradeRow[]
    if (!Array.isArray(rows)) throw new Error('not a list of rows')
    return rows
  } catch (error) {
    throw errors.usage(`nothing to resume: ${file} is not a grade file (${(error as Error).message})`)
  }
}

/** The previous row of each student that can stand: same files, and (with only-failed) a pass. */
export function reusable(previous: GradeRow[], student: string, hash: string, mode: ResumeMode): GradeRow | undefined {
  const row = previous.find((r) => r.student === student)
  if (!row || row.hash !== hash || row.verdict === 'error') return undefined
  return mode === 'resume' || row.verdict === 'passed' ? row : undefined
}
