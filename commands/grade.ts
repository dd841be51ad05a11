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
import { rowLineText } from '../engine/tasks/engines.ts'
import { createReporters } from '../reporters/index.ts'
import { IMPL, LANG, PARALLEL, PARAM, hostOptions, parseImpl, parseLang, parseParallel } from './shared.ts'
import type { Command } from './table.ts'

interface GradeValues {
  impl?: string; param: string[]; server?: string; client?: string; host: string[]; lang?: string; parallel?: string; grades?: string
  exercise?: string; entry?: string; report?: string; resume?: boolean; 'only-failed'?: boolean; engines?: string; slice?: string
  'row-lines'?: boolean
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
    'row-lines': { type: 'boolean', help: 'print each row as one line of JSON on standard output (the rest on standard error); used by --engines' },
  },
  async run(raw, names) {
    const values = raw as unknown as GradeValues
    const exercise = values.exercise === undefined ? undefined : await loadExercise(userPath(values.exercise))
    const wanted = names.length === 0 && exercise ? [exercise.scenario] : names
    if (wanted.length !== 1) throw errors.usage('grade takes one scenario: npm run lab -- grade tcp-basic --server \'entregas/*/servidor.py\'')
    const { errorRow, gradeRow } = await import('../engine/tasks/grade.ts')
    const { findSubmissions } = await import('../engine/tasks/roster.ts')
    const impl = parseImpl(values.impl)
    const params = parseParams(values.param, selectScenarios(await loadCatalog(undefined, {}, wanted), wanted))
    const [catalogScenario] = selectScenarios(await loadCatalog(undefined, params, wanted), wanted)
    const scenario = withGrading(catalogScenario, exercise?.grading ?? {})
    const globs = filesByHost(values, 'glob')
    for (const host of Object.keys(globs)) if (!(host in scenario.hosts)) throw errors.usage(`${scenario.id} has no host "${host}" (hosts: ${Object.keys(scenario.hosts).join(', ')})`)
    const everyone = await findSubmissions(globs)
    const indices = values.slice === undefined ? everyone.map((_, i) => i) : sliceOf(everyone, values.slice)
    const students = indices.map((i) => everyone[i])
    const lang = parseLang(values.lang)
    const parallel = parseParallel(values.parallel)
    const rowLines = values['row-lines'] === true
    const prefix = rowLines ? undefined : await gradesFolder(userPath(values.grades ?? `grades-${scenario.id}`))
    const reportFile = values.report === undefined ? undefined : userPath(values.report)
    const entry = values.entry ?? exercise?.starter
    const entries = entry === undefined ? {} : Object.fromEntries(Object.keys(globs).map((host) => [host, entry]))
    const mode = values['only-failed'] ? 'only-failed' : values.resume ? 'resume' : undefined

    // Every student's files are read once, guarded, before any lab starts: a link to /dev/zero or a FIFO is
    // that student's row, never the whole class's hang.
    const { previousRows, reusable, submissionHash } = await import('../engine/tasks/resume.ts')
    const previous = mode && prefix ? await previousRows(`${prefix}.json`) : []
    const gradingKey = JSON.stringify({ scenario: scenario.id, params, impl, grading: scenario.grading ?? {}, entries })
    const screened = await Promise.all(students.map(async (s) => {
      if (s.refused) return { refused: s.refused }
      try {
        return { hash: await submissionHash(s.files, gradingKey) }
      } catch (error) {
        if (error instanceof LabError && error.exitCode === EXIT.usage) return { refused: error.message }
        throw error
      }
    }))
    const hashes = screened.map((s) => ('hash' in s ? s.hash : undefined))
    const settled: (GradeRow | undefined)[] = students.map((s, i) => {
      const screen = screened[i]
      if ('refused' in screen) return errorRow(s, screen.refused!)
      return mode ? reusable(previous, s.student, screen.hash, mode) : undefined
    })

    const report = await createReporters({
      names: [], grades: prefix, env: process.env, stdout: rowLines ? process.stderr : process.stdout, stderr: process.stderr, lang,
      ...(reportFile ? { classReport: { file: reportFile, title: `${scenario.id}: ${students.length} students` } } : {}),
    })
    const started = performance.now()
    const settledCount = settled.filter(Boolean).length
    let done = settledCount
    const progress = () => {
      const elapsed = performance.now() - started
      const fresh = done - settledCount
      report.onProgress({ done, total: students.length, etaMs: fresh > 0 ? (elapsed / fresh) * (students.length - done) : undefined })
    }
    // --row-lines (a child of --engines): each row, as soon as it is known, one line of JSON with its index in
    // the whole class; the parent reads these, never the person's lines.
    const emit = (row: GradeRow, index: number) => rowLines && process.stdout.write(rowLineText(indices[index], row))
    const inOrderReport = inOrder((row: GradeRow) => report.onGrade(row))
    const graded = (row: GradeRow, index: number) => {
      emit(row, index)
      inOrderReport(row, index)
    }
    const seen = new Set<string>()
    let rows: GradeRow[]
    let failure: LabError | undefined
    const missed: string[] = []
    if (values.engines !== undefined) {
      const todo = settled.flatMap((row, i) => (row ? [] : [i]))
      settled.forEach((row, index) => row && graded(row, index))
      const onEngines = await gradeOnEngines(values, raw, wanted, todo, parallel, reportFile, report.onNote, settledCount,
        (index, why) => (missed.push(students[index].student), errorRow(students[index], why)), (row, index) => {
          done++
          progress()
          graded(row.verdict === 'error' ? row : { ...row, hash: hashes[index] }, index)
        })
      failure = onEngines.failure
      rows = settled.map((row, i) => row ?? onEngines.rows.get(i)!)
    } else {
      const image = await ensureLabImage(report.onNote, {}, docker.preflight())
      const toGrade = students.length - settledCount
      const refused = screened.filter((s) => 'refused' in s).length
      report.onNote(`grading ${toGrade} submission${toGrade === 1 ? '' : 's'} with ${scenario.id}, ${parallel} at a time${settledCount - refused ? ` (${settledCount - refused} kept from ${prefix}.json)` : ''}${refused ? ` (${refused} refused)` : ''}`)
      settled.forEach((row, index) => row && graded(row, index))
      const pages = reportFile ? studentPages(reportFile) : undefined
      const outcome: (GradeRow | undefined)[] = [...settled]
      await runPool(students, parallel, async (student, index) => {
        if (settled[index]) return
        const row = await runScenario(scenario, { image, impl, submissions: student.files, entries, captureAll: pages !== undefined })
          .then(async (result): Promise<GradeRow> => {
            for (const check of result.checks) seen.add(check.description)
            return { ...gradeRow(student, result, lang), hash: hashes[index], ...(pages ? { report: await pages.write(index, student.student, result) } : {}) }
          },
            (error: Error) => {
              if (error instanceof LabError && error.exitCode === EXIT.usage) return { ...errorRow(student, error.message), hash: hashes[index] }
              throw error
            })
        outcome[index] = row
        done++
        progress()
        graded(row, index)
      }).catch((error: unknown) => {
        // The engine failed under the class (it vanished, its disk filled): every finished row is kept and
        // written, each student not graded gets a row that says so, and the run ends with the engine's error.
        if (!(error instanceof LabError)) throw error
        failure = error
      })
      rows = outcome.map((row, index) => row ?? (() => {
        missed.push(students[index].student)
        const notGraded = errorRow(students[index], `not graded: ${failure?.message ?? 'the run stopped'}`)
        // a child of --engines leaves these rows to its parent, which names the students it could not grade
        if (!rowLines) graded(notGraded, index)
        return notGraded
      })())
    }
    // A points table names checks by description: one no run produced is most likely a typo, worth saying.
    const unknown = Object.keys(scenario.grading ?? {}).filter((name) => !seen.has(name) && name !== LAB_RAN_TO_THE_END)
    if (seen.size && unknown.length) report.onNote(`no student's run had a check named ${unknown.map((n) => JSON.stringify(n)).join(', ')}: a typo in the points table?`)
    await report.onRunEnd([])
    const passed = rows.filter((row) => row.verdict === 'passed').length
    report.onNote(`${passed}/${rows.length} passed in ${formatMs(performance.now() - started)}`)
    if (failure) {
      report.onNote(`not graded (${missed.length}): ${missed.join(', ')}; \`--resume\` grades them again and keeps the rest`)
      throw failure
    }
    return passed === rows.length ? EXIT.passed : EXIT.failed
  },
}

/** --grades NAME: its folder is made now (as --output's is), so that a class's rows are never lost at the end
 * to a folder that was not there; a folder that cannot be made is one line, before any lab starts. */
async function gradesFolder(prefix: string): Promise<string> {
  await mkdir(path.dirname(prefix), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw errors.usage(`--grades: cannot make the folder ${path.dirname(prefix)} (${error.code})`)
  })
  return prefix
}

/** --slice 0,3,6: the indices of the students to grade in the whole class (as --engines hands them out). */
function sliceOf(students: unknown[], option: string): number[] {
  const indices = option.split(',').map(Number)
  if (indices.some((i) => !Number.isInteger(i) || i < 0 || i >= students.length)) throw errors.usage(`--slice takes student indices from 0 to ${students.length - 1}, not "${option}"`)
  return indices
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

/** --engines: one child `lab grade` per engine, each with its share of the students to grade; each row reaches
 * `onRow` with its index in the class as the child sends it. An engine that fails loses none of its finished
 * rows: each of its students not graded gets a row that says so (`notGraded`), and the first failure is returned. */
async function gradeOnEngines(values: GradeValues, raw: Record<string, unknown>, scenario: string[], todo: number[], parallel: number,
  reportFile: string | undefined, note: (line: string) => void, kept: number,
  notGraded: (index: number, why: string) => GradeRow, onRow: (row: GradeRow, index: number) => void):
  Promise<{ rows: Map<number, GradeRow>; failure?: LabError }> {
  const { gradeOnEngine, parseEngines, shareOut } = await import('../engine/tasks/engines.ts')
  const engines = await parseEngines(values.engines!, parallel, docker.namedContextHost)
  const shares = shareOut(todo.length, engines).map((share) => share.map((k) => todo[k]))
  note(`grading ${todo.length} submission${todo.length === 1 ? '' : 's'} on ${engines.length} engine${engines.length === 1 ? '' : 's'}: ${engines.map((e, i) => `${e.label} (${shares[i].length}, ${e.parallel} at a time)`).join(', ')}${kept ? ` (${kept} kept or refused)` : ''}`)
  for (const engine of engines) {
    if (engine.dockerHost.startsWith('tcp://')) note(`${engine.label}: a plain tcp:// engine is neither encrypted nor authenticated: anyone who reaches its port can run containers there (use ssh:// or TLS)`)
  }
  const passOn = ['impl', 'lang', 'exercise', 'entry', 'server', 'client'].flatMap((name) => (typeof raw[name] === 'string' ? [`--${name}`, raw[name] as string] : []))
  for (const name of ['param', 'host'] as const) for (const value of values[name]) passOn.push(`--${name}`, value)
  const childReport = (i: number) => `${reportFile!.replace(/\.html?$/, '')}.engine-${i + 1}.html`
  const rows = new Map<number, GradeRow>()
  const take = (row: GradeRow, index: number) => {
    if (rows.has(index)) return
    rows.set(index, row)
    onRow(row, index)
  }
  const failures = await Promise.all(engines.map((engine, i) => gradeOnEngine({
    engine, indices: shares[i], onRow: take, args: [...scenario, ...passOn, ...(reportFile ? ['--report', childReport(i)] : [])],
  }).then(() => undefined, (error: unknown) => {
    if (!(error instanceof LabError)) throw error
    for (const index of shares[i]) take(notGraded(index, `not graded: ${error.message}`), index)
    return error
  })))
  if (reportFile) await Promise.all(engines.map((_, i) => rm(childReport(i), { force: true })))
  return { rows, failure: failures.find(Boolean) }
}

export default command
