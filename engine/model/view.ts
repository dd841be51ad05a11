// One result as one person sees it. The student's view drops the checks they may not see (their points still
// count) and the hints' quotes of what those checks expect; the teacher's keeps every check and marks the ones
// students do not see. Reporters render what this gives them and need not know about visibility; the autograder
// formats, which carry visibility themselves, read scoreChecks() and viewHints() directly.
import type { Hint } from './hints.ts'
import type { ScenarioResult } from './result.ts'
import { VISIBILITY_MARK, scoreChecks, shows, totalScore, type View } from './points.ts'

export interface ViewChoice {
  view: View
  /** The due date has passed: after_due_date checks are shown to students. */
  afterDue: boolean
}

export const TEACHER: ViewChoice = { view: 'teacher', afterDue: true }

export function viewResult(result: ScenarioResult, { view, afterDue }: ViewChoice): ScenarioResult {
  const grading = result.scenario.grading
  if (!grading || Object.keys(grading).length === 0) return result // nothing weighted, nothing hidden: as before
  const scored = scoreChecks(result.checks, grading)
  const shown = scored.filter((c) => shows(view, c.visibility, afterDue))
  const checks = shown.map(({ points: _p, maxPoints: _m, visibility, ...check }) =>
    view === 'teacher' && visibility !== 'visible'
      ? { ...check, description: `${check.description}${VISIBILITY_MARK[visibility]}` }
      : check,
  )
  return {
    ...result,
    checks,
    hints: viewHints(result, { view, afterDue }),
    score: { ...totalScore(scored), unseen: scored.length - shown.length },
  }
}

/** The hints as `view` may read them: a hint quoting what a check this view does not show expects says it without the quote. */
export function viewHints(result: ScenarioResult, { view, afterDue }: ViewChoice): Hint[] {
  const unseen = new Set(
    scoreChecks(result.checks, result.scenario.grading)
      .filter((c) => !shows(view, c.visibility, afterDue))
      .map((c) => c.description),
  )
  return result.hints.map((hint) =>
    hint.quotes?.checks.some((check) => unseen.has(check)) ? { id: hint.id, text: hint.quotes.withheld } : hint,
  )
}
