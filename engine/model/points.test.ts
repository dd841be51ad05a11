import { describe, expect, it } from 'vitest'
import { passed, failed } from '../../reporters/fixtures/results.ts'
import { parseGrading, scoreChecks, totalScore } from './points.ts'
import { TEACHER, viewResult } from './view.ts'

const WELCOME = 'client printed "Mensagem do servidor: Bem-vindo ao servidor!"'
const SERVER = 'server printed "Servidor esperando por conexões..."'

describe('points', () => {
  it('gives every check 1 visible point without grading: the score is the checks passed', () => {
    expect(totalScore(scoreChecks(failed.checks))).toEqual({ points: 1, max: 3 })
  })

  it('weights checks by description and gives partial credit', () => {
    const scored = scoreChecks(failed.checks, { [WELCOME]: { points: 6 }, [SERVER]: { points: 2.5 } })
    expect(scored.map((c) => [c.points, c.maxPoints])).toEqual([
      [0, 1],
      [0, 6],
      [2.5, 2.5],
    ])
    expect(totalScore(scored)).toEqual({ points: 2.5, max: 9.5 })
  })

  it('refuses a grading table with a wrong field, points or visibility, in one line', () => {
    expect(() => parseGrading({ x: { points: -1 } }, 'exercise.json')).toThrow(
      'exercise.json: check "x": points must be a number from 0, not -1',
    )
    expect(() => parseGrading({ x: { visibility: 'secret' } }, 'exercise.json')).toThrow(
      'exercise.json: check "x": visibility must be one of visible, hidden, after_due_date, not "secret"',
    )
    expect(() => parseGrading({ x: { weight: 2 } }, 'exercise.json')).toThrow(
      'exercise.json: check "x" has unknown field "weight" (fields: points, visibility)',
    )
    expect(() => parseGrading([], 'exercise.json')).toThrow(
      'exercise.json: "checks" must be an object of check descriptions',
    )
  })
})

describe('views', () => {
  const graded = {
    ...failed,
    scenario: {
      ...failed.scenario,
      grading: {
        [WELCOME]: { points: 6, visibility: 'hidden' as const },
        [SERVER]: { visibility: 'after_due_date' as const },
      },
    },
  }

  it('leaves a result without grading exactly as it was', () => {
    expect(viewResult(passed, { view: 'student', afterDue: false })).toBe(passed)
  })

  it("drops hidden checks from the student's view but counts their points", () => {
    const student = viewResult(graded, { view: 'student', afterDue: false })
    expect(student.checks.map((c) => c.description)).toEqual(['the lab ran to the end'])
    expect(student.score).toEqual({ points: 1, max: 8, unseen: 2 })
    expect(student.status).toBe('failed')
  })

  it('shows after_due_date checks to the student once the due date passed, never the hidden ones', () => {
    const student = viewResult(graded, { view: 'student', afterDue: true })
    expect(student.checks.map((c) => c.description)).toEqual(['the lab ran to the end', SERVER])
    expect(student.score?.unseen).toBe(1)
  })

  it("keeps every check in the teacher's view, marking those students do not see", () => {
    const teacher = viewResult(graded, TEACHER)
    expect(teacher.checks.map((c) => c.description)).toEqual([
      'the lab ran to the end',
      `${WELCOME} [hidden]`,
      `${SERVER} [after due date]`,
    ])
    expect(teacher.score).toEqual({ points: 1, max: 8, unseen: 0 })
  })
})
