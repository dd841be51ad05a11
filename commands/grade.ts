// `lab grade <scenario> --server 'glob'`: one isolated lab per student, a few at a time; each student's row is
// printed and, at the end, written to a CSV and a JSON file (reporters/grades.ts).
import { loadCatalog, parseParams, selectScenarios } from '../engine/plan/catalog.ts'
import * as docker from '../engine/runtime/docker.ts'
import { formatMs } from '../engine/model/describe.ts'
import { EXIT, LabError, errors } from '../engine/model/errors.ts'
import type { GradeRow } from '../engine/model/grade.ts'
import { ensureLabImage } from '../engine/runtime/image.ts'
import { runScenario } from '../engine/runtime/run.ts'
import { filesByHost } from '../engine/plan/submission.ts'
import { userPath } from '../engine/plan/layout.ts'
import { inOrder, runPool } from '../engine/tasks/pool.ts'
import { createReporters } from '../reporters/index.ts'
import { IMPL, LANG, PARALLEL, PARAM, hostOptions, parseImpl, parseLang, parseParallel } from './shared.ts'
import type { Command } from './table.ts'

interface GradeValues { impl?: string; param: string[]; server?: string; client?: string; host: string[]; lang?: string; parallel?: string; grades?: string }

const command: Command = {
  name: 'grade',
  synopsis: 'grade <scenario> --server GLOB',
  summary: "grade every student's file (--server 'entregas/*/servidor.py'), each in its own lab; a row each to CSV and JSON",
  positionals: true,
  options: {
    impl: { ...IMPL, help: 'which reference programs run in the hosts no student file replaces (default: ts)' },
    param: PARAM,
    ...hostOptions('GLOB'),
    lang: LANG,
    parallel: { ...PARALLEL, help: 'submissions at once (default: the number of cores)' },
    grades: { type: 'string', value: 'NAME', help: 'write NAME.csv and NAME.json (default: grades-<scenario>)' },
  },
  async run(raw, names) {
    const values = raw as unknown as GradeValues
    if (names.length !== 1) throw errors.usage('grade takes one scenario: npm run lab -- grade tcp-basic --server \'entregas/*/servidor.py\'')
    const { errorRow, findSubmissions, gradeRow } = await import('../engine/tasks/grade.ts')
    const impl = parseImpl(values.impl)
    const params = parseParams(values.param, selectScenarios(await loadCatalog(undefined, {}, names), names))
    const [scenario] = selectScenarios(await loadCatalog(undefined, params, names), names)
    const globs = filesByHost(values, 'glob')
    for (const host of Object.keys(globs)) if (!(host in scenario.hosts)) throw errors.usage(`${scenario.id} has no host "${host}" (hosts: ${Object.keys(scenario.hosts).join(', ')})`)
    const students = await findSubmissions(globs)
    const lang = parseLang(values.lang)
    const parallel = parseParallel(values.parallel)
    const report = await createReporters({ names: [], grades: userPath(values.grades ?? `grades-${scenario.id}`), env: process.env, stdout: process.stdout, stderr: process.stderr, lang })
    const image = await ensureLabImage(report.onNote, {}, docker.preflight())
    report.onNote(`grading ${students.length} submissions with ${scenario.id}, ${parallel} at a time`)
    const started = performance.now()
    const graded = inOrder((row: GradeRow) => report.onGrade(row))
    const rows = await runPool(students, parallel, async (student, index) => {
      const row = await runScenario(scenario, { image, impl, submissions: student.files })
        .then((result) => gradeRow(student, result, lang), (error: Error) => {
          if (error instanceof LabError && error.exitCode === EXIT.usage) return errorRow(student, error)
          throw error
        })
      graded(row, index)
      return row
    })
    await report.onRunEnd([])
    const passed = rows.filter((row) => row.verdict === 'passed').length
    report.onNote(`${passed}/${rows.length} passed in ${formatMs(performance.now() - started)}`)
    return passed === rows.length ? EXIT.passed : EXIT.failed
  },
}

export default command
