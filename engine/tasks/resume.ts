// `grade --resume` and `grade --only-failed`: the rows of the last run that still hold. A row holds while the
// student's files are byte for byte the ones it graded (a sha256 of every host's file, kept in the JSON rows).
import { createHash } from 'node:crypto'
import { lstat, readFile } from 'node:fs/promises'
import path from 'node:path'
import { errors } from '../model/errors.ts'
import type { GradeRow } from '../model/grade.ts'
import { PROGRAM_LIMIT_BYTES, folderFiles, openRegularFile } from '../plan/submission.ts'

export type ResumeMode = 'resume' | 'only-failed'

/** A submitted file's bytes, read as staging reads it: never through a link, never blocking on a FIFO, at most
 * PROGRAM_LIMIT_BYTES (each refusal is a LabError, that student's row). */
async function readSubmitted(file: string): Promise<Buffer> {
  const handle = await openRegularFile(file)
  try {
    return await handle.readFile()
  } finally {
    await handle.close()
  }
}

/** sha256 over how the class is graded (`grading`: the scenario, its parameters, points and entry point, so that
 * a row graded under another points table is never kept), then each host's name and file content (a folder's: the name and content of every file it stages),
 * hosts in name order. The files hashed are the files a run stages, read the same guarded way, so a student's
 * link to /dev/zero or FIFO is refused here, before any lab starts, and not read. */
export async function submissionHash(files: Record<string, string>, grading = ''): Promise<string> {
  const hash = createHash('sha256').update(`${grading}\0`)
  for (const host of Object.keys(files).sort()) {
    hash.update(`${host}\0`)
    if ((await lstat(files[host]).catch(() => undefined))?.isDirectory()) {
      let bytes = 0
      for (const name of await folderFiles(files[host])) {
        const content = await readSubmitted(path.join(files[host], name))
        bytes += content.length
        if (bytes > PROGRAM_LIMIT_BYTES)
          throw errors.badSubmission(`"${files[host]}" holds more than ${PROGRAM_LIMIT_BYTES / 1024 / 1024} MiB`)
        hash.update(name).update('\0').update(content).update('\0')
      }
    } else {
      hash.update(await readSubmitted(files[host]))
    }
    hash.update('\0')
  }
  return hash.digest('hex')
}

export async function previousRows(file: string): Promise<GradeRow[]> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw errors.usage(`nothing to resume: ${file} does not exist (run grade once without --resume)`)
  })
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
