// `lab grade <scenario> --server 'glob'`: one isolated lab per student, a few at a time (engine/tasks/grade-class.ts);
// each student's row is printed and, at the end, written to a CSV and a JSON file (reporters/grades.ts), and with
// --report to a class page that links each student's own report. --engines spreads the class over several Docker
// engines (engine/tasks/engines.ts); --resume and --only-failed keep the rows that still hold (engine/tasks/resume.ts).
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { instantiateScenarios } from '../engine/plan/catalog.ts'
import { formatMs } from '../engine/model/describe.ts'
import { EXIT, errors, positiveInteger } from '../engine/model/errors.ts'
import type { GradeRow } from '../engine/model/grade.ts'
import type { ScenarioResult } from '../engine/model/result.ts'
import { TEACHER, viewResult } from '../engine/model/view.ts'
import { loadExercise, withGrading } from '../engine/plan/exercise.ts'
import { filesByHost } from '../engine/plan/submission.ts'
import { userPath } from '../engine/plan/layout.ts'
import { rowLineText } from '../engine/tasks/engines.ts'
import { gradeClass } from '../engine/tasks/grade-class.ts'
import { inOrder } from '../engine/tasks/pool.ts'
import { htmlReport } from '../reporters/html.ts'
import { createReporters } from '../reporters/index.ts'
import {
  IMPL,
  LANG,
  PARALLEL,
  PARAM,
  SEED,
  hostOptions,
  parseImpl,
  parseLang,
  parseParallel,
  parseSeed,
} from './shared.ts'
import { defineCommand, type ValuesOf } from './table.ts'

const OPTIONS = {
  impl: { ...IMPL, help: 'which reference programs run in the hosts no student file replaces (default: ts)' },
  param: PARAM,
  seed: { ...SEED, help: `${SEED.help}; the same for every student` },
  ...hostOptions('GLOB'),
  lang: LANG,
  parallel: { ...PARALLEL, help: 'submissions at once (default: the number of cores)' },
  pool: {
    type: 'string',
    value: 'N',
    help: 'warm labs kept for the class, each reset and proven clean between students (default: --parallel)',
  },
  'no-pool': { type: 'boolean', help: 'a cold lab for every student (slower; what a pooled lab is proven against)' },
  grades: { type: 'string', value: 'NAME', help: 'write NAME.csv and NAME.json (default: grades-<scenario>)' },
  exercise: {
    type: 'string',
    value: 'DIR',
    help: "an exercise folder: its exercise.json names the scenario and gives the checks' points",
  },
  entry: {
    type: 'string',
    value: 'NAME',
    help: "for folders (--server 'entregas/*/'): the program to run (default: the exercise's starter)",
  },
  report: { type: 'string', value: 'FILE', help: "write a class report (HTML) linking each student's own report page" },
  resume: { type: 'boolean', help: 'keep the rows of NAME.json whose student files did not change; grade the rest' },
  'only-failed': { type: 'boolean', help: 'like --resume, but grade again every student who did not pass' },
  engines: {
    type: 'string',
    value: 'LIST',
    help: 'spread the class over Docker engines: contexts or DOCKER_HOST URLs, each =N labs at once',
  },
  slice: { type: 'string', value: 'INDICES', help: 'grade only these students (by index); used by --engines' },
  'row-lines': {
    type: 'boolean',
    help: 'print each row as one line of JSON on standard output (the rest on standard error); used by --engines',
  },
} as const

const command = defineCommand({
  name: 'grade',
  synopsis: 'grade <scenario> --server GLOB',
  summary:
    "grade every student's file (--server 'entregas/*/servidor.py'), each in its own lab; a row each to CSV and JSON",
  positionals: true,
  options: OPTIONS,
  async run(values, names) {
    const exercise = values.exercise === undefined ? undefined : await loadExercise(userPath(values.exercise))
    const wanted = names.length === 0 && exercise ? [exercise.scenario] : names
    if (wanted.length !== 1)
      throw errors.usage("grade takes one scenario: npm run lab -- grade tcp-basic --server 'entregas/*/servidor.py'")
    const impl = parseImpl(values.impl)
    const seed = parseSeed(values.seed)
    const {
      scenarios: [catalogScenario],
      params,
    } = await instantiateScenarios(wanted, values.param)
    const scenario = withGrading(catalogScenario, exercise?.grading ?? {})
    const globs = filesByHost(values, 'glob')
    const lang = parseLang(values.lang)
    const parallel = parseParallel(values.parallel)
    if (values.pool !== undefined && values['no-pool']) throw errors.usage('--pool and --no-pool: choose one')
    const pool = values['no-pool'] ? 0 : values.pool === undefined ? parallel : positiveInteger('pool', values.pool)
    const rowLines = values['row-lines'] === true
    const prefix = rowLines ? undefined : userPath(values.grades ?? `grades-${scenario.id}`)
    const reportFile = values.report === undefined ? undefined : userPath(values.report)
    const entry = values.entry ?? exercise?.starter
    const entries = entry === undefined ? {} : Object.fromEntries(Object.keys(globs).map((host) => [host, entry]))

    const report = await createReporters({
      names: [],
      grades: prefix,
      env: process.env,
      stdout: rowLines ? process.stderr : process.stdout,
      stderr: process.stderr,
      lang,
      ...(reportFile
        ? { classReport: { file: reportFile, title: (students: number) => `${scenario.id}: ${students} students` } }
        : {}),
    })
    const inOrderReport = inOrder((row: GradeRow) => report.onGrade(row))
    const { rows, failure, missed, wallMs } = await gradeClass(
      {
        scenario,
        params,
        impl,
        globs,
        entries,
        seed,
        slice: values.slice,
        lang,
        parallel,
        pool,
        grades: prefix,
        resume: values['only-failed'] ? 'only-failed' : values.resume ? 'resume' : undefined,
        child: rowLines,
        reportFile,
        engines:
          values.engines === undefined ? undefined : { option: values.engines, args: [...wanted, ...passedOn(values)] },
        studentReport: values.engines === undefined && reportFile ? studentPages(reportFile) : undefined,
      },
      (event) => {
        if (event.kind === 'note') report.onNote(event.text)
        else if (event.kind === 'progress')
          report.onProgress({ done: event.done, total: event.total, etaMs: event.etaMs })
        else if (event.kind === 'row-graded') {
          // --row-lines (a child of --engines): each row, as soon as it is known, with its index in the whole class;
          // the parent reads these, never the person's lines.
          if (rowLines) process.stdout.write(rowLineText(event.classIndex, event.row))
          inOrderReport(event.row, event.index)
        }
      },
    )
    await report.onRunEnd([])
    const passed = rows.filter((row) => row.verdict === 'passed').length
    report.onNote(`${passed}/${rows.length} passed in ${formatMs(wallMs)}`)
    if (failure) {
      report.onNote(
        `not graded (${missed.length}): ${missed.join(', ')}; \`--resume\` grades them again and keeps the rest`,
      )
      throw failure
    }
    return passed === rows.length ? EXIT.passed : EXIT.failed
  },
})

/** The options a child of --engines grades with, as given here (it gets its own --slice, --parallel, --report). */
function passedOn(values: ValuesOf<typeof OPTIONS>): string[] {
  const args: string[] = []
  for (const name of ['impl', 'lang', 'exercise', 'entry', 'server', 'client', 'pool'] as const) {
    const value = values[name]
    if (value !== undefined) args.push(`--${name}`, value)
  }
  for (const name of ['param', 'host'] as const) for (const value of values[name]) args.push(`--${name}`, value)
  if (values['no-pool']) args.push('--no-pool')
  return args
}

/** Each student's own HTML report (the teacher's view, with its packet diagram), beside the class report. */
function studentPages(reportFile: string) {
  const dir = `${reportFile.replace(/\.html?$/, '')}-students`
  return async (index: number, student: string, result: ScenarioResult): Promise<string> => {
    // Folder names are untrusted: the page's file name keeps only safe characters, the index keeps it unique.
    const file = path.join(
      dir,
      `${String(index + 1).padStart(3, '0')}-${student.replace(/[^\w.-]/g, '_').slice(0, 60)}.html`,
    )
    await mkdir(dir, { recursive: true })
    await writeFile(file, htmlReport([viewResult(result, TEACHER)], `${student}: ${result.scenario.id}`))
    return path.relative(path.dirname(reportFile), file)
  }
}

export default command
