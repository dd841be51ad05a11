// `lab grade`: one isolated lab per student, a few at a time, or spread over several engines (--engines, in
// engine/tasks/engines.ts). Every student gets a row: graded, kept from the last grading (--resume), refused
// (a file the lab will not open), or "not graded" when the engine failed under the class.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { LAB_RAN_TO_THE_END } from '../judge/checks.ts'
import { EXIT, LabError, errors } from '../model/errors.ts'
import type { OnEvent } from '../model/events.ts'
import type { GradeRow } from '../model/grade.ts'
import type { Lang } from '../model/hints.ts'
import type { ScenarioResult } from '../model/result.ts'
import type { Impl, Params, Scenario } from '../model/scenario.ts'
import * as docker from '../runtime/docker.ts'
import { ensureLabImage } from '../runtime/image.ts'
import { runScenario } from '../runtime/run.ts'
import { gradeOnEngines } from './engines.ts'
import { errorRow, gradeRow } from './grade.ts'
import { LabPool } from './lab-pool.ts'
import { runPool } from './pool.ts'
import { previousRows, reusable, submissionHash, type ResumeMode } from './resume.ts'
import { findSubmissions, type StudentSubmission } from './roster.ts'
import { seedLine } from '../model/describe.ts'
import { randomSeed } from '../plan/seeds.ts'

export interface ClassGrading {
  /** The scenario, its points table applied (an exercise's). */
  scenario: Scenario
  /** The --param values it was instantiated with: a row is kept by --resume only when graded with the same. */
  params: Params
  impl: Impl
  /** Each host's glob of the students' files. */
  globs: Record<string, string>
  /** For folder submissions, by host: the program to run. */
  entries: Record<string, string>
  /** --slice: the indices of the students to grade in the whole class; all when undefined. */
  slice?: string
  lang: Lang
  parallel: number
  /** Warm labs kept for the class (engine/tasks/lab-pool.ts), at most this many; 0: a cold lab per student. A
   * scenario that cannot run warm, and folder submissions given an entry point, run cold whatever this says. */
  pool?: number
  /** NAME of NAME.csv and NAME.json, whose folder is made before any lab starts, and where --resume finds the last
   * grading's rows; undefined for a child of --engines. */
  grades?: string
  resume?: ResumeMode
  /** A child of --engines: the rows of students it could not grade are left to its parent, which names them. */
  child?: boolean
  /** --engines: the list, and the child's arguments after `lab grade` (scenario and options to pass on). */
  engines?: { option: string; args: string[] }
  /** --seed: every student's run draws its random faults from it (a class under identical losses); without it,
   * the seed of the rows --resume keeps, else a new one. Said in a note, and recorded in each row. */
  seed?: number
  /** grade --report FILE, which a child of each engine writes a page of its own for. */
  reportFile?: string
  /** Writes a student's own report page; returns its path, relative to the class report. */
  studentReport?: (index: number, student: string, result: ScenarioResult) => Promise<string>
}

export interface ClassGraded {
  /** A row for every student, in the class's order. */
  rows: GradeRow[]
  /** Why the grading stopped before every student was graded (the engine failed under the class). */
  failure?: LabError
  /** The students it could not grade, for --resume. */
  missed: string[]
  /** From the first lab's start (once every student's files were screened) to the last row. */
  wallMs: number
}

/** Grades the class; `onEvent` hears the notes, each row as soon as it is final and the progress after each. */
export async function gradeClass(grading: ClassGrading, onEvent: OnEvent = () => undefined): Promise<ClassGraded> {
  const { scenario, impl, globs, entries, lang, parallel, grades: prefix, resume: mode } = grading
  const note = (text: string) => onEvent({ kind: 'note', text })
  for (const host of Object.keys(globs))
    if (!(host in scenario.hosts))
      throw errors.usage(`${scenario.id} has no host "${host}" (hosts: ${Object.keys(scenario.hosts).join(', ')})`)
  const everyone = await findSubmissions(globs)
  const indices = grading.slice === undefined ? everyone.map((_, i) => i) : sliceOf(everyone, grading.slice)
  const students = indices.map((i) => everyone[i])
  if (prefix) await gradesFolder(prefix)

  // Every student's files are read once, guarded, before any lab starts: a link to /dev/zero or a FIFO is
  // that student's row, never the whole class's hang.
  const previous = mode && prefix ? await previousRows(`${prefix}.json`) : []
  // One seed for the whole class, so every student meets the same losses; a resumed class keeps its own.
  const seed = grading.seed ?? previous.find((row) => row.seed !== undefined)?.seed ?? randomSeed()
  if (!grading.child) note(seedLine(seed))
  // A row graded under another seed met other losses: it is graded again.
  const gradingKey = JSON.stringify({
    scenario: scenario.id,
    params: grading.params,
    impl,
    grading: scenario.grading ?? {},
    entries,
    seed,
  })
  const screened = await Promise.all(
    students.map(async (s) => {
      if (s.refused) return { refused: s.refused }
      try {
        return { hash: await submissionHash(s.files, gradingKey) }
      } catch (error) {
        if (error instanceof LabError && error.exitCode === EXIT.usage) return { refused: error.message }
        throw error
      }
    }),
  )
  const hashes = screened.map((s) => ('hash' in s ? s.hash : undefined))
  const settled: (GradeRow | undefined)[] = students.map((s, i) => {
    const screen = screened[i]
    if ('refused' in screen) return errorRow(s, screen.refused!)
    return mode ? reusable(previous, s.student, screen.hash, mode) : undefined
  })

  const started = performance.now()
  const settledCount = settled.filter(Boolean).length
  let done = settledCount
  const progress = () => {
    const elapsed = performance.now() - started
    const fresh = done - settledCount
    onEvent({
      kind: 'progress',
      done,
      total: students.length,
      etaMs: fresh > 0 ? (elapsed / fresh) * (students.length - done) : undefined,
    })
  }
  const graded = (row: GradeRow, index: number) =>
    onEvent({ kind: 'row-graded', index, classIndex: indices[index], row })
  const seen = new Set<string>()
  let rows: GradeRow[]
  let failure: LabError | undefined
  const missed: string[] = []
  if (grading.engines) {
    const todo = settled.flatMap((row, i) => (row ? [] : [i]))
    settled.forEach((row, index) => row && graded(row, index))
    const onEngines = await gradeOnEngines(
      {
        ...grading.engines,
        args: [...grading.engines.args, '--seed', String(seed)],
        todo,
        parallel,
        reportFile: grading.reportFile,
        kept: settledCount,
        note,
      },
      (index, why) => (missed.push(students[index].student), errorRow(students[index], why)),
      (row, index) => {
        done++
        progress()
        graded(row.verdict === 'error' ? row : { ...row, hash: hashes[index] }, index)
      },
    )
    failure = onEngines.failure
    rows = settled.map((row, i) => row ?? onEngines.rows.get(i)!)
  } else {
    const image = await ensureLabImage(note, {}, docker.preflight())
    const toGrade = students.length - settledCount
    const refused = screened.filter((s) => 'refused' in s).length
    note(
      `grading ${toGrade} submission${toGrade === 1 ? '' : 's'} with ${scenario.id}, ${parallel} at a time${settledCount - refused ? ` (${settledCount - refused} kept from ${prefix}.json)` : ''}${refused ? ` (${refused} refused)` : ''}`,
    )
    settled.forEach((row, index) => row && graded(row, index))
    const pages = grading.studentReport
    const outcome: (GradeRow | undefined)[] = [...settled]
    const pool = Object.keys(entries).length
      ? undefined
      : LabPool.for(scenario, { image, impl, size: Math.min(grading.pool ?? 0, parallel), note, seed })
    await runPool(students, parallel, async (student, index) => {
      if (settled[index]) return
      const run = pool
        ? pool.run(student.files)
        : runScenario(scenario, {
            image,
            impl,
            submissions: student.files,
            entries,
            captureAll: pages !== undefined,
            seed,
          })
      const row = await run.then(
        async (result): Promise<GradeRow> => {
          for (const check of result.checks) seen.add(check.description)
          return {
            ...gradeRow(student, result, lang),
            hash: hashes[index],
            ...(pages ? { report: await pages(index, student.student, result) } : {}),
          }
        },
        (error: Error) => {
          if (error instanceof LabError && error.exitCode === EXIT.usage)
            return { ...errorRow(student, error.message), hash: hashes[index] }
          throw error
        },
      )
      outcome[index] = row
      done++
      progress()
      graded(row, index)
    })
      .catch((error: unknown) => {
        // The engine failed under the class (it vanished, its disk filled): every finished row is kept and
        // written, each student not graded gets a row that says so, and the run ends with the engine's error.
        if (!(error instanceof LabError)) throw error
        failure = error
      })
      .finally(async () => {
        const left = await pool?.close()
        if (left?.length) note(`the class's pooled labs left ${left.join('; ')}`)
      })
    rows = outcome.map((row, index) => row ?? notGraded(students[index], index))
  }
  // A points table names checks by description: one no run produced is most likely a typo, worth saying.
  const unknown = Object.keys(scenario.grading ?? {}).filter((name) => !seen.has(name) && name !== LAB_RAN_TO_THE_END)
  if (seen.size && unknown.length)
    note(
      `no student's run had a check named ${unknown.map((n) => JSON.stringify(n)).join(', ')}: a typo in the points table?`,
    )
  return { rows, failure, missed, wallMs: performance.now() - started }

  function notGraded(student: StudentSubmission, index: number): GradeRow {
    missed.push(student.student)
    const row = errorRow(student, `not graded: ${failure?.message ?? 'the run stopped'}`)
    // a child of --engines leaves these rows to its parent, which names the students it could not grade
    if (!grading.child) graded(row, index)
    return row
  }
}

/** --grades NAME: its folder is made now (as --output's is), so that a class's rows are never lost at the end
 * to a folder that was not there; a folder that cannot be made is one line, before any lab starts. */
async function gradesFolder(prefix: string): Promise<string> {
  await mkdir(path.dirname(prefix), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw errors.usage(`--grades: cannot make the folder ${path.dirname(prefix)} (${error.code})`)
  })
  return prefix
}

/** --slice 0,3,6: the indices of the students to grade in the whole class (as --engines hands them out). */
function sliceOf(students: unknown[], option: string): number[] {
  const indices = option.split(',').map(Number)
  if (indices.some((i) => !Number.isInteger(i) || i < 0 || i >= students.length))
    throw errors.usage(`--slice takes student indices from 0 to ${students.length - 1}, not "${option}"`)
  return indices
}
