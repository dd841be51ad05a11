import { expect, it } from 'vitest'
import { parseView } from './shared.ts'

it("is the teacher's view by default; the student's shows after_due_date checks only once the due date passed", () => {
  const now = Date.parse('2026-04-01T12:00:00Z')
  expect(parseView(undefined, undefined, now)).toEqual({ view: 'teacher', afterDue: false })
  expect(parseView('student', '2026-03-31T23:59:00-03:00', now)).toEqual({ view: 'student', afterDue: true })
  expect(parseView('student', '2026-04-02', now)).toEqual({ view: 'student', afterDue: false })
  expect(() => parseView('aluno', undefined)).toThrow('--view must be one of student, teacher, not "aluno"')
  expect(() => parseView('student', 'amanhã')).toThrow(
    '--due takes a date such as 2026-03-31T23:59-03:00, not "amanhã"',
  )
})
