// One student's result in a graded batch: what `lab grade` prints, and one row of its CSV and JSON files.
import type { Verdict } from './result.ts'

export interface GradeRow {
  student: string
  /** error: the submission could not run at all (a file that cannot be staged, say); `hint` says why. */
  verdict: Verdict | 'error'
  checksPassed: number
  checksTotal: number
  /** The likely mistake, in the chosen language; for an error, what went wrong. */
  hint: string
  elapsedS: number
  files: Record<string, string>
  /** The compose project the submission ran in (JSON only), to find its traces in Docker's logs. */
  project?: string
}
