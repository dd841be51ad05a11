// PrairieLearn's external grading results (docs/externalGrading.md, "Grading results"): a score from 0 to 1,
// one test per check with points and max_points, and gradable: false when the lab never started the student's
// program (neverRan), so the attempt is not counted against them. PrairieLearn shows this document to the student as it is and
// has no per-test visibility: it is always the student's view (hidden checks count in the score, are not listed).
import type { Lang } from '../engine/model/hints.ts'
import { shows } from '../engine/model/points.ts'
import type { ScenarioResult } from '../engine/model/result.ts'
import { autograderTests, neverRan, summaryText } from './autograder.ts'

export interface PrairieLearnTest {
  name: string
  points: number
  max_points: number
  message: string
  output: string
}

export interface PrairieLearnResults {
  gradable: boolean
  score?: number
  message: string
  format_errors?: string[]
  tests: PrairieLearnTest[]
}

export function prairielearnResults(
  results: ScenarioResult[],
  lang: Lang = 'en',
  afterDue = false,
): PrairieLearnResults {
  const all = autograderTests(results)
  const message = summaryText(results, lang, afterDue)
  if (results.some(neverRan)) {
    const problems = summaryText(results, lang, afterDue, false)
    return {
      gradable: false,
      message,
      format_errors: problems ? problems.split('\n') : ['the program never ran'],
      tests: [],
    }
  }
  const max = all.reduce((sum, t) => sum + t.check.maxPoints, 0)
  const points = all.reduce((sum, t) => sum + t.check.points, 0)
  return {
    gradable: true,
    score: max === 0 ? 0 : Math.round((points / max) * 10_000) / 10_000,
    message,
    tests: all
      .filter((t) => shows('student', t.check.visibility, afterDue))
      .map(({ name, check, output }) => ({
        name,
        points: check.points,
        max_points: check.maxPoints,
        message: check.passed ? 'passed' : 'failed',
        output,
      })),
  }
}
