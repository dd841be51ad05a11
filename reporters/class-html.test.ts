import { expect, it } from 'vitest'
import type { GradeRow } from '../engine/model/grade.ts'
import { classReport, commonHints, scoreBins } from './class-html.ts'

const row = (over: Partial<GradeRow>): GradeRow => ({
  student: 'ana',
  verdict: 'failed',
  checksPassed: 1,
  checksTotal: 5,
  score: 3,
  maxScore: 10,
  hitDeadline: false,
  hint: '',
  elapsedS: 4,
  files: {},
  ...over,
})

it('bins scores by tenths, a full score apart', () => {
  const bins = scoreBins([
    row({ score: 10 }),
    row({ score: 3 }),
    row({ score: 0 }),
    row({ score: 9.99 }),
    row({ verdict: 'error', score: 0, maxScore: 0 }),
  ])
  expect(bins.map((b) => b.count)).toEqual([2, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1])
})

it('counts the hints of students who did not pass, most common first', () => {
  expect(
    commonHints([
      row({ hint: 'b' }),
      row({ hint: 'a' }),
      row({ hint: 'b' }),
      row({ verdict: 'passed', hint: 'a' }),
      row({ hint: '' }),
    ]),
  ).toEqual([
    { hint: 'b', count: 2 },
    { hint: 'a', count: 1 },
  ])
})

it('writes student names and hints as text, never markup, and links only a page of its own', () => {
  const html = classReport(
    [
      row({
        student: '<img src=x onerror=alert(1)>',
        hint: '</td><script>x</script>',
        report: 'turma-students/001-_img.html',
        hitDeadline: true,
      }),
    ],
    't',
  )
  expect(html).not.toContain('<img')
  expect(html).not.toContain('<script>')
  expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;')
  expect(html).toContain('<a href="turma-students/001-_img.html">')
  expect(html).toContain('<li class="late">&#60;img')
})
