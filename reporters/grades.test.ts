import { expect, it } from 'vitest'
import type { GradeRow } from '../engine/model/grade.ts'
import { gradesCsv } from './grades.ts'

const row = (over: Partial<GradeRow>): GradeRow => ({
  student: 'ana',
  verdict: 'failed',
  checksPassed: 3,
  checksTotal: 5,
  score: 3,
  maxScore: 5,
  hitDeadline: false,
  hint: '',
  elapsedS: 4.2,
  files: { server: '/e/ana/servidor.py' },
  ...over,
})

it('writes one CSV row per student, quoting what needs quoting', () => {
  const row: GradeRow = {
    student: 'ana',
    verdict: 'failed',
    checksPassed: 3,
    checksTotal: 5,
    score: 4.5,
    maxScore: 6,
    hitDeadline: false,
    hint: 'use bind(("0.0.0.0", 12345)), not localhost',
    elapsedS: 4.2,
    files: { server: '/e/ana/servidor.py' },
    seed: 1234,
  }
  expect(gradesCsv([row])).toBe(
    'student,verdict,checks_passed,checks_total,score,max_score,hint,elapsed_s,seed,files\nana,failed,3,5,4.5,6,"use bind((""0.0.0.0"", 12345)), not localhost",4.2,1234,server=/e/ana/servidor.py\n',
  )
})

it('neutralises a student folder name a spreadsheet would run as a formula', () => {
  const rows = ['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)'].map((student) => row({ student }))
  const cells = gradesCsv(rows)
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.slice(0, line.indexOf(',failed')))
  expect(cells).toEqual([`"'=HYPERLINK(""http://x"")"`, "'+1", "'-2", "'@SUM(A1)"])
})

it('writes out control characters of folder names and hints, so a newline cannot forge a row', () => {
  const csv = gradesCsv([row({ student: 'eve\nmallory,passed,5,5', hint: 'saída \u001b[31mvermelha' })])
  expect(csv.trim().split('\n')).toHaveLength(2)
  expect(csv).toContain('"eve\\nmallory,passed,5,5",failed,3,5,3,5,saída \\x1b[31mvermelha,4.2,')
})
