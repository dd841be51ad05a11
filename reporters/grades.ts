// `lab grade`'s files for the teacher: every student's row in PREFIX.csv (for a spreadsheet) and PREFIX.json.
// Student folder names are untrusted: no control characters, and no cell a spreadsheet would run as a formula.
import { rename, writeFile } from 'node:fs/promises'
import { stringify } from 'csv-stringify/sync'
import type { GradeRow } from '../engine/model/grade.ts'
import { visible } from '../engine/model/visible.ts'
import type { Note, Reporter } from './types.ts'

export function gradesCsv(rows: GradeRow[]): string {
  return stringify(
    rows.map((row) => ({
      student: visible(row.student),
      verdict: row.verdict,
      checks_passed: row.checksPassed,
      checks_total: row.checksTotal,
      score: row.score,
      max_score: row.maxScore,
      hint: visible(row.hint),
      elapsed_s: row.elapsedS,
      seed: row.seed ?? '',
      files: Object.entries(row.files)
        .map(([host, file]) => `${host}=${visible(file)}`)
        .join(' '),
    })),
    { header: true, escape_formulas: true },
  )
}

/** Writes the rows as they come, each time whole (to a temporary file, then renamed over the last), so that a
 * class cut short (the engine gone, the process killed) keeps every row it finished for `grade --resume`. */
export class GradesReporter implements Reporter {
  readonly #rows: GradeRow[] = []
  readonly #prefix: string
  readonly #note: Note
  #writing: Promise<void> = Promise.resolve()
  /** `prefix`: the files' path without .csv and .json, already resolved against the user's directory. */
  constructor(prefix: string, note: Note) {
    this.#prefix = prefix
    this.#note = note
  }
  onGrade(row: GradeRow): void {
    this.#rows.push(row)
    this.#writing = this.#writing.then(
      () => this.#write(),
      () => this.#write(),
    )
  }
  async #write(): Promise<void> {
    const rows = [...this.#rows]
    await Promise.all(
      [
        [`${this.#prefix}.csv`, gradesCsv(rows)],
        [`${this.#prefix}.json`, `${JSON.stringify(rows, null, 2)}\n`],
      ].map(async ([file, text]) => {
        await writeFile(`${file}.part`, text)
        await rename(`${file}.part`, file)
      }),
    )
  }
  async onRunEnd(): Promise<void> {
    await this.#writing.catch(() => undefined)
    await this.#write()
    this.#note(`wrote ${this.#prefix}.csv and ${this.#prefix}.json`)
  }
}
