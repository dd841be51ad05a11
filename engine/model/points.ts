// Points, partial credit and who sees which check. A check is named for grading by its description, exactly as
// every report prints it ("server kept serving until the end"): descriptions are already stable (they are made
// from the scenario's data), a teacher copies them from any report, and no check record needs a new field.
// A check that no grading entry names is worth 1 point and visible, so without grading nothing changes:
// the score is the number of checks passed, out of all checks.
import { errors } from './errors.ts'
import type { Check } from './observations.ts'

/** visible: everybody sees it; hidden: counted, never shown to the student; after_due_date: shown to the
 * student once the due date has passed (Gradescope's words, which Classroom and PrairieLearn users know too). */
export type Visibility = 'visible' | 'hidden' | 'after_due_date'
const VISIBILITIES: readonly Visibility[] = ['visible', 'hidden', 'after_due_date']

export interface CheckGrading {
  /** What the check is worth (default 1); 0 makes it informative only. */
  points?: number
  visibility?: Visibility
}

/** Grading by check description. */
export type Grading = Record<string, CheckGrading>

/** Whose report it is: the teacher sees every check (hidden ones marked), the student only what is visible to them. */
export type View = 'student' | 'teacher'
export const VIEWS: readonly View[] = ['student', 'teacher']

export interface ScoredCheck extends Check {
  points: number
  maxPoints: number
  visibility: Visibility
}

export interface Score {
  points: number
  max: number
  /** Checks counted in the score that this view does not show. */
  unseen: number
}

const DEFAULT: Required<CheckGrading> = { points: 1, visibility: 'visible' }

export function scoreChecks(checks: Check[], grading: Grading = {}): ScoredCheck[] {
  return checks.map((check) => {
    const { points, visibility } = { ...DEFAULT, ...grading[check.description] }
    return { ...check, points: check.passed ? points : 0, maxPoints: points, visibility }
  })
}

export function totalScore(checks: ScoredCheck[]): { points: number; max: number } {
  const round = (n: number) => Math.round(n * 1000) / 1000
  return {
    points: round(checks.reduce((sum, c) => sum + c.points, 0)),
    max: round(checks.reduce((sum, c) => sum + c.maxPoints, 0)),
  }
}

/** Whether `view` shows a check; `afterDue` says the due date has passed (never, when none was given). */
export function shows(view: View, visibility: Visibility, afterDue: boolean): boolean {
  return view === 'teacher' || visibility === 'visible' || (visibility === 'after_due_date' && afterDue)
}

/** The words a teacher's report puts after a check the student does not see. */
export const VISIBILITY_MARK: Record<Visibility, string> = {
  visible: '',
  hidden: ' [hidden]',
  after_due_date: ' [after due date]',
}

/** A grading table read from a file (exercise.json): every entry checked, a one-line reason otherwise. */
export function parseGrading(value: unknown, where: string): Grading {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw errors.badGrading(where, `"checks" must be an object of check descriptions`)
  const grading: Grading = {}
  for (const [description, entry] of Object.entries(value as Record<string, unknown>)) {
    const { points, visibility, ...rest } = (entry ?? {}) as Record<string, unknown>
    const extra = Object.keys(rest)
    if (extra.length)
      throw errors.badGrading(
        where,
        `check "${description}" has unknown field "${extra[0]}" (fields: points, visibility)`,
      )
    if (points !== undefined && !(typeof points === 'number' && Number.isFinite(points) && points >= 0))
      throw errors.badGrading(
        where,
        `check "${description}": points must be a number from 0, not ${JSON.stringify(points)}`,
      )
    if (visibility !== undefined && !VISIBILITIES.includes(visibility as Visibility))
      throw errors.badGrading(
        where,
        `check "${description}": visibility must be one of ${VISIBILITIES.join(', ')}, not ${JSON.stringify(visibility)}`,
      )
    grading[description] = {
      ...(points !== undefined ? { points: points as number } : {}),
      ...(visibility !== undefined ? { visibility: visibility as Visibility } : {}),
    }
  }
  return grading
}
