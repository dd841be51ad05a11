// Gradescope's results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/): one test per
// check with its points, and each check's own visibility, which Gradescope enforces itself (so this document
// always holds every check, whatever --view says). Run it from the autograder's run_autograder script:
// `npm run lab -- tcp-basic --server /autograder/submission/servidor.py --reporter gradescope -o /autograder/results/results.json`.
import type { Lang } from '../engine/model/hints.ts'
import type { Visibility } from '../engine/model/points.ts'
import type { ScenarioResult } from '../engine/model/result.ts'
import { autograderTests, summaryText } from './autograder.ts'

export interface GradescopeTest {
  score: number
  max_score: number
  status: 'passed' | 'failed'
  name: string
  output: string
  visibility: Visibility
}

export interface GradescopeResults {
  score: number
  execution_time: number
  output: string
  tests: GradescopeTest[]
}

export function gradescopeResults(results: ScenarioResult[], lang: Lang = 'en'): GradescopeResults {
  const tests = autograderTests(results).map(({ name, check, output }): GradescopeTest => ({
    score: check.points,
    max_score: check.maxPoints,
    status: check.passed ? 'passed' : 'failed',
    name,
    output,
    visibility: check.visibility,
  }))
  return {
    score: Math.round(tests.reduce((sum, t) => sum + t.score, 0) * 1000) / 1000,
    execution_time: Math.round(results.reduce((sum, r) => sum + r.wallMs, 0) / 1000),
    // shown to the student whatever the date: Gradescope applies visibility to each test, not to this text
    output: summaryText(results, lang, false),
    tests,
  }
}
