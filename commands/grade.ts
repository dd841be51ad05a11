// `lab grade <scenario> --server 'glob'`: one isolated lab per student, a few at a time; each student's row is
// printed and, at the end, written to a CSV and a JSON file (reporters/grades.ts), and with --report to a class
// page that links each student's own report. --engines spreads the class over several Docker engines
// (engine/tasks/engines.ts); --resume and --only-failed keep the rows that still hold (engine/tasks/resume.ts).
import { mkdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { LAB_RAN_TO_THE_END } from '../engine/judge/checks.ts'
import { loadCatalog, parseParams, selectScenarios } from '../engine/plan/catalog.ts'
import * as docker from '../engine/runtime/docker.ts'
import { formatMs } from '../engine/model/describe.ts'
import { EXIT, LabError, errors } from '../engine/model/errors.ts'
import type { GradeRow } from '../engine/model/grade.ts'
import { TEACHER, viewResult } from '../engine/model/view.ts'
import { ensureLabImage } from '../engine/runtime/image.ts'
import { runScenario } from '../engine/runtime/run.ts'
import { loadExercise, withGrading } from '../engine/plan/exercise.ts'
import { filesByHost } from '../engine/plan/submission.ts'
import { userPath } from '../engine/plan/layout.ts'
import { inOrder, runPool } from '../engine/tasks/pool.ts'
import { createReporters } from '../reporters/index.ts'
import { IMPL, LANG, PARALLEL, PARAM, hostOptions, parseImpl, parseLang, parseParallel } from './shared.ts'
import type { Command } from './table.ts'

interface GradeValues {
  impl?: string; param: string[]; server?: string; client?: string; host: string[]; lang?: string; parallel?: string; grades?: string
  exercise?: string; entry?: string; report?: string; resume?: boolean; 'only-failed'?: boolean; engines?: string; slice?: string
}

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
    exercise: { type: 'string', value: 'DIR', help: "an exercise folder: its exercise.json names the scenario and gives the checks' points" },
    entry: { type: 'string', value: 'NAME', help: "for folders (--server 'entregas/*/'): the program to run (default: the exercise's starter)" },
    report: { type: 'string', value: 'FILE', help: "write a class report (HTML) linking each student's own report page" },
    resume: { type: 'boolean', help: 'keep the rows of NAME.json whose student files did not change; grade the rest' },
    'only-failed': { type: 'boolean', help: 'like --resume, but grade again every student who did not pass' },
    engines: { type: 'string', value: 'LIST', help: 'spread the class over Docker engines: contexts or DOCKER_HOST URLs, each =N labs at once' },
    slice: { type: 'string', value: 'INDICES', help: 'grade only these students (by index); used by --engines' },
  },
  async run(raw, names) {
    const values = raw as unknown as GradeValues
    const exercise = values.exercise === undefined ? undefined : await loadExercise(userPath(values.exercise))
    const wanted = names.length === 0 && exercise ? [exercise.scenario] : names
    if (wanted.length !== 1) throw errors.usage('grade takes one scenario: npm run lab -- grade tcp-basic --server \'entregas/*/servidor.py\'')
    const { errorRow, findSubmissions, gradeRow } = await import('../engine/tasks/grade.ts')
    const impl = parseImpl(values.impl)
    const params = parseParams(values.param, selectScenarios(await loadCatalog(undefined, {}, wanted), wanted))
    const [catalogScenario] = selectScenarios(await loadCatalog(undefined, params, wanted), wanted)
    const scenario = withGrading(catalogScenario, exercise?.grading ?? {})
    const globs = filesByHost(values, 'glob')
    for (const host of Object.keys(globs)) if (!(host in scenario.hosts)) throw errors.usage(`${scenario.id} has no host "${host}" (hosts: ${Object.keys(scenario.hosts).join(', ')})`)
    const everyone = await findSubmissions(globs)
    const students = values.slice === undefined ? everyone : sliceOf(everyone, values.slice)
    const lang = parseLang(values.lang)
    const parallel = parseParallel(values.parallel)
    const prefix = userPath(values.grades ?? `grades-${scenario.id}`)
    const reportFile = values.report === undefined ? undefined : userPath(values.report)
    const entry = values.entry ?? exercise?.starter
    const entries = entry === undefined ? {} : Object.fromEntries(Object.keys(globs).map((host) => [host, entry]))
    const mode = values['only-failed'] ? 'only-failed' : values.resume ? 'resume' : undefined
    if (values.engines !== undefined && mode) throw errors.usage('--engines cannot be combined with --resume or --only-failed yet: resume on one engine')

    const { previousRows, reusable, submissionHash } = await import('../engine/tasks/resume.ts')
    const previous = mode ? await previousRows(`${prefix}.json`) : []
    const hashes = await Promise.all(students.map((s) => submissionHash(s.files)))
    const kept = students.map((s, i) => (mode ? reusable(previous, s.student, hashes[i], mode) : undefined))

    const report = await createReporters({
      names: [], grades: prefix, env: process.env, stdout: process.stdout, stderr: process.stderr, lang,
      ...(reportFile ? { classReport: { file: reportFile, title: `${scenario.id}: ${students.length} students` } } : {}),
    })
    const started = performance.now()
    let done = kept.filter(Boolean).length
    const progress = () => {
      const elapsed = performance.now() - started
      const fresh = done - kept.filter(Boolean).length
      report.onProgress({ done, total: students.length, etaMs: fresh > 0 ? (elapsed / fresh) * (students.length - done) : undefined })
    }
    const graded = inOrder((row: GradeRow) => report.onGrade(row))
    const seen = new Set<string>()
    let rows: GradeRow[]
    if (values.engines !== undefined) {
      rows = await gradeOnEngines(values, raw, wanted, students.length, parallel, prefix, reportFile, () => { done++; progress() }, report.onNote)
      rows.forEach((row, index) => graded(row, index))
    } else {
      const image = await ensureLabImage(report.onNote, {}, docker.preflight())
      report.onNote(`grading ${students.length - done} submission${students.length - done === 1 ? '' : 's'} with ${scenario.id}, ${parallel} at a time${done ? ` (${done} kept from ${prefix}.json)` : ''}`)
      kept.forEach((row, index) => row && graded(row, index))
      const pages = reportFile ? studentPages(reportFile) : undefined
      rows = await runPool(students, parallel, async (student, index) => {
        if (kept[index]) return kept[index]
        const row = await runScenario(scenario, { image, impl, submissions: student.files, entries, captureAll: pages !== undefined })
          .then(async (result): Promise<GradeRow> => {
            for (const check of result.checks) seen.add(check.description)
            return { ...gradeRow(student, result, lang), hash: hashes[index], ...(pages ? { report: await pages.write(index, student.student, result) } : {}) }
          },
            (error: Error) => {
              if (error instanceof LabError && error.exitCode === EXIT.usage) return { ...errorRow(student, error), hash: hashes[index] }
              throw error
            })
        done++
        progress()
        graded(row, index)
        return row
      })
    }
    // A points table names checks by description: one no run produced is most likely a typo, worth saying.
    const unknown = Object.keys(scenario.grading ?? {}).filter((name) => !seen.has(name) && name !== LAB_RAN_TO_THE_END)
    if (seen.size && unknown.length) report.onNote(`no student's run had a check named ${unknown.map((n) => JSON.stringify(n)).join(', ')}: a typo in the points table?`)
    await report.onRunEnd([])
    const passed = rows.filter((row) => row.verdict === 'passed').length
    report.onNote(`${passed}/${rows.length} passed in ${formatMs(performance.now() - started)}`)
    return passed === rows.length ? EXIT.passed : EXIT.failed
  },
}

/** --slice 0,3,6: the students at those indices of the whole class (as --engines hands them out). */
function sliceOf<T>(students: T[], option: string): T[] {
  const indices = option.split(',').map(Number)
  if (indices.some((i) => !Number.isInteger(i) || i < 0 || i >= students.length)) throw errors.usage(`--slice takes student indices from 0 to ${students.length - 1}, not "${option}"`)
  return indices.map((i) => students[i])
}

/** Each student's own HTML report (the teacher's view, with its packet diagram), beside the class report. */
function studentPages(reportFile: string) {
  const dir = `${reportFile.replace(/\.html?$/, '')}-students`
  return {
    async write(index: number, student: string, result: Parameters<typeof viewResult>[0]): Promise<string> {
      const { htmlReport } = await import('../reporters/html.ts')
      // Folder names are untrusted: the page's file name keeps only safe characters, the index keeps it unique.
      const file = path.join(dir, `${String(index + 1).padStart(3, '0')}-${student.replace(/[^\w.-]/g, '_').slice(0, 60)}.html`)
      await mkdir(dir, { recursive: true })
      await writeFile(file, htmlReport([viewResult(result, TEACHER)], `${student}: ${result.scenario.id}`))
      return path.relative(path.dirname(reportFile), file)
    },
  }
}

/** --engines: one child `lab grade` per engine, each with its share of the students; their rows merged in order. */
async function gradeOnEngines(values: GradeValues, raw: Record<string, unknown>, scenario: string[], total: number, parallel: number,
  prefix: string, reportFile: string | undefined, onDone: () => void, note: (line: string) => void): Promise<GradeRow[]> {
  const { parseEngines, shareOut } = await import('../engine/tasks/engines.ts')
  const { contextHost, gradeOnEngine } = await import('../engine/runtime/engines.ts')
  const engines = await parseEngines(values.engines!, parallel, contextHost)
  const shares = shareOut(total, engines)
  note(`grading ${total} submissions on ${engines.length} engines: ${engines.map((e, i) => `${e.label} (${shares[i].length}, ${e.parallel} at a time)`).join(', ')}`)
  const passOn = ['impl', 'lang', 'exercise', 'entry', 'server', 'client'].flatMap((name) => (typeof raw[name] === 'string' ? [`--${name}`, raw[name] as string] : []))
  for (const name of ['param', 'host'] as const) for (const value of values[name]) passOn.push(`--${name}`, value)
  const rows = await Promise.all(engines.map((engine, i) => gradeOnEngine({
    engine, indices: shares[i], onDone, grades: `${prefix}.engine-${i + 1}`,
    args: [...scenario, ...passOn, ...(reportFile ? ['--report', `${reportFile.replace(/\.html?$/, '')}.engine-${i + 1}.html`] : [])],
  })))
  const merged: GradeRow[] = new Array(total)
  shares.forEach((share, e) => share.forEach((index, k) => (merged[index] = rows[e][k])))
  await Promise.all(engines.flatMap((_, i) => [`${prefix}.engine-${i + 1}.csv`, `${prefix}.engine-${i + 1}.json`,
    ...(reportFile ? [`${reportFile.replace(/\.html?$/, '')}.engine-${i + 1}.html`] : [])].map((file) => rm(file, { force: true }))))
  return merged
}

export default command
