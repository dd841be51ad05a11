// One student's result in a graded batch: what `lab grade` prints, and one row of its CSV and JSON files.
import type { Verdict } from './result.ts'

export interface GradeRow {
  student: string
  /** error: the submission could not run at all (a file that cannot be staged, say); `hint` says why. */
  verdict: Verdict | 'error'
  checksPassed: number
  checksTotal: number
  /** Points of the checks passed and their maximum (engine/model/points.ts): checksPassed and checksTotal
   * when nothing is weighted. Hidden checks count. */
  score: number
  maxScore: number
  /** The run reached the scenario's deadline with a program still running. */
  hitDeadline: boolean
  /** The likely mistake, in the chosen language; for an error, what went wrong. */
  hint: string
  elapsedS: number
  files: Record<string, string>
  /** sha256 of the student's files (host and content), so that `grade --resume` knows a file did not change. */
  hash?: string
  /** The student's own HTML report, relative to the class report (`grade --report`). */
  report?: string
  /** The compose project the submission ran in (JSON only), to find its traces in Docker's logs. */
  project?: string
  /** The seed its random faults drew from: the class's, the same for every student (`--seed` reruns the row). */
  seed?: number
}
