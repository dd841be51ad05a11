// `grade --report class.html`: the class at a glance for the teacher. A table of students (score, verdict,
// hint, time, a link to each student's own report page with its packet diagram), how the scores spread, the
// most common hints with their counts, and who hit the deadline (a program still running: often a hang).
// Renders rows only; every student name and hint is untrusted and goes through escape().
import type { GradeRow } from '../engine/model/grade.ts'
import { escape } from './html.ts'
import type { Note, Reporter, Sink } from './types.ts'

/** Score bins of the distribution: 0–9 %, 10–19 %, …, 90–99 %, 100 %. */
const BINS = 11

const percent = (row: GradeRow) => (row.maxScore > 0 ? (row.score / row.maxScore) * 100 : 0)

export function scoreBins(rows: GradeRow[]): { label: string; count: number }[] {
  const bins = Array.from({ length: BINS }, (_, i) => ({
    label: i === BINS - 1 ? '100 %' : `${i * 10}–${i * 10 + 9} %`,
    count: 0,
  }))
  for (const row of rows) bins[Math.min(BINS - 1, Math.floor(percent(row) / 10))].count++
  return bins
}

export function commonHints(rows: GradeRow[]): { hint: string; count: number }[] {
  const counts = new Map<string, number>()
  for (const row of rows)
    if (row.verdict !== 'passed' && row.hint) counts.set(row.hint, (counts.get(row.hint) ?? 0) + 1)
  return [...counts]
    .map(([hint, count]) => ({ hint, count }))
    .sort((a, b) => b.count - a.count || a.hint.localeCompare(b.hint))
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}
td,th{padding:3px 10px;text-align:left;border-bottom:1px solid #eee;vertical-align:top}th{background:#f4f4f4}
tr.passed td.verdict{color:#1e8449}tr.failed td.verdict,tr.error td.verdict{color:#c0392b}td.num{text-align:right;white-space:nowrap}
.bar{background:#2c7fb8;height:14px;display:inline-block;vertical-align:middle}.bin td{padding:1px 8px}
section{margin-top:2em}small{color:#666}`

export function classReport(rows: GradeRow[], title: string): string {
  const mean = rows.length ? rows.reduce((sum, r) => sum + percent(r), 0) / rows.length : 0
  const students = rows
    .map(
      (row) =>
        `<tr class="student ${row.verdict}" data-student="${escape(row.student)}">` +
        `<td>${row.report ? `<a href="${encodeURI(row.report)}">${escape(row.student)}</a>` : escape(row.student)}</td>` +
        `<td class="num score">${row.score}/${row.maxScore}</td><td class="verdict">${escape(row.verdict)}${row.hitDeadline ? ' (deadline)' : ''}</td>` +
        `<td class="hint">${escape(row.hint)}</td><td class="num">${row.elapsedS} s</td></tr>`,
    )
    .join('')
  const bins = scoreBins(rows)
  const widest = Math.max(1, ...bins.map((b) => b.count))
  const distribution = bins
    .map(
      (b) =>
        `<tr class="bin" data-count="${b.count}"><td>${b.label}</td><td class="num">${b.count}</td>` +
        `<td><span class="bar" style="width:${Math.round((b.count / widest) * 300)}px"></span></td></tr>`,
    )
    .join('')
  const hints = commonHints(rows)
    .map((h) => `<li class="hint" data-count="${h.count}"><b>${h.count}×</b> ${escape(h.hint)}</li>`)
    .join('')
  const late = rows
    .filter((r) => r.hitDeadline)
    .map((r) => `<li class="late">${escape(r.student)}</li>`)
    .join('')
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title><style>${STYLE}</style></head><body>` +
    `<h1>${escape(title)}</h1><p class="summary">${rows.length} students, ${rows.filter((r) => r.verdict === 'passed').length} passed, ` +
    `mean score ${Math.round(mean)} %</p>` +
    `<table id="students"><tr><th>student</th><th>score</th><th>verdict</th><th>likely mistake</th><th>time</th></tr>${students}</table>` +
    `<section id="distribution"><h2>Scores</h2><table>${distribution}</table></section>` +
    `<section id="hints"><h2>Most common mistakes</h2>${hints ? `<ol>${hints}</ol>` : '<p>None.</p>'}</section>` +
    `<section id="deadline"><h2>Hit the deadline <small>(a program still running when time ran out)</small></h2>${late ? `<ul>${late}</ul>` : '<p>Nobody.</p>'}</section>` +
    '</body></html>\n'
  )
}

export class ClassReportReporter implements Reporter {
  readonly #rows: GradeRow[] = []
  readonly #sink: Sink
  readonly #title: (students: number) => string
  readonly #written: Note
  constructor(sink: Sink, title: (students: number) => string, written: Note) {
    this.#sink = sink
    this.#title = title
    this.#written = written
  }
  onGrade(row: GradeRow): void {
    this.#rows.push(row)
  }
  async onRunEnd(): Promise<void> {
    await this.#sink(classReport(this.#rows, this.#title(this.#rows.length)))
    this.#written('class report')
  }
}
