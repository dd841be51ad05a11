// `lab grade`'s files for the teacher: every student's row in PREFIX.csv (for a spreadsheet) and PREFIX.json.
// Student folder names are untrusted: no control characters, and no cell a spreadsheet would run as a formula.
import { writeFile } from 'node:fs/promises'
import { stringify } from 'csv-stringify/sync'
import type { GradeRow } from '../engine/model/grade.ts'
import { visible } from '../engine/model/visible.ts'
import type { Note, Reporter } from './types.ts'

export function gradesCsv(rows: GradeRow[]): string {
  return stringify(rows.map((row) => ({
    student: visible(row.student),
    verdict: row.verdict,
    checks_passed: row.checksPassed,
    checks_total: row.checksTotal,
    score: row.score,
    max_score: row.maxScore,
    hint: visible(row.hint),
    elapsed_s: row.elapsedS,
    files: Object.entries(row.files).map(([host, file]) => `${host}=${visible(file)}`).join(' '),
  })), { header: true, escape_formulas: true })
}

export class GradesReporter implements Reporter {
  readonly #rows: GradeRow[] = []
  readonly #prefix: string
  readonly #note: Note
  /** `prefix`: the files' path without .csv and .json, already resolved against the user's directory. */
  constructor(prefix: string, note: Note) {
    this.#prefix = prefix
    this.#note = note
  }
  onGrade(row: GradeRow): void {
    this.#rows.push(row)
  }
  async onRunEnd(): Promise<void> {
    const files = [`${this.#prefix}.csv`, `${this.#prefix}.json`]
    await writeFile(files[0], gradesCsv(this.#rows))
    await writeFile(files[1], `${JSON.stringify(this.#rows, null, 2)}\n`)
    this.#note(`wrote ${files.join(' and ')}`)
  }
}
