// Grading a whole class: every student's submission runs in its own lab, a few at a time, and each becomes
// one row of a CSV and a JSON file a teacher can open (written by reporters/grades.ts).
import { checkTally } from '../model/describe.ts'
import { scoreChecks, totalScore } from '../model/points.ts'
import type { GradeRow } from '../model/grade.ts'
import type { Lang } from '../model/hints.ts'
import type { ScenarioResult } from '../model/result.ts'
import type { StudentSubmission } from './roster.ts'

export function gradeRow(submission: StudentSubmission, result: ScenarioResult, lang: Lang): GradeRow {
  const score = totalScore(scoreChecks(result.checks, result.scenario.grading))
  return {
    student: submission.student,
    verdict: result.status,
    checksPassed: checkTally(result.checks).passed,
    checksTotal: checkTally(result.checks).total,
    score: score.points,
    maxScore: score.max,
    hitDeadline: result.run.problems.some((problem) => problem.kind === 'deadline' || problem.kind === 'stalled'),
    hint:
      result.hints[0]?.text[lang] ??
      (result.status === 'failed' ? (result.checks.find((c) => !c.passed)?.reason ?? '') : ''),
    elapsedS: Math.round(result.wallMs / 100) / 10,
    files: submission.files,
    project: result.project,
    seed: result.seed,
  }
}

export function errorRow(submission: StudentSubmission, why: string): GradeRow {
  return {
    student: submission.student,
    verdict: 'error',
    checksPassed: 0,
    checksTotal: 0,
    score: 0,
    maxScore: 0,
    hitDeadline: false,
    hint: why,
    elapsedS: 0,
    files: submission.files,
  }
}
