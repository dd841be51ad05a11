// One result as one person sees it. The student's view drops the checks they may not see (their points still
// count); the teacher's keeps every check and marks the ones students do not see. Reporters render what this
// gives them and need not know about visibility; the autograder formats, which carry visibility themselves,
// read scoreChecks() directly.
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
    (view === 'teacher' && visibility !== 'visible' ? { ...check, description: `${check.description}${VISIBILITY_MARK[visibility]}` } : check))
  return { ...result, checks, score: { ...totalScore(scored), unseen: scored.length - shown.length } }
}
