// socket-lab's command line. Thin on purpose: parsing and printing here, everything else in engine/. What only
// one command needs (clean, grade, the HTML report) is imported by that command: every module loaded before a
// lab comes up delays it.
import './engine/runtime/compile-cache.ts'
import os from 'node:os'
import { parseArgs } from 'node:util'
import { loadCatalog, parseParams, selectScenarios } from './engine/plan/catalog.ts'
import * as docker from './engine/runtime/docker.ts'
import { EXIT, LabError, errors, positiveInteger } from './engine/model/errors.ts'
import { ensureLabImage } from './engine/runtime/image.ts'
import { runScenario } from './engine/runtime/run.ts'
import type { ScenarioResult } from './engine/model/result.ts'
import { IMPLS, type Impl } from './engine/model/scenario.ts'
import { tearDownOnSignals } from './engine/runtime/signals.ts'
import { filesByHost, submissionsFromOptions } from './engine/plan/submission.ts'
import { writeFile } from 'node:fs/promises'
import { prepareCaptureDir } from './engine/plan/capture-dir.ts'
import { userPath } from './engine/plan/layout.ts'
import type { GradeRow } from './engine/tasks/grade.ts'
import { inOrder, runPool } from './engine/tasks/pool.ts'
import { longestFirst, readDurations, recordDurations } from './engine/tasks/durations.ts'
import { formatMs } from './engine/judge/checks.ts'
import { LANGS, langFromEnv, type Lang } from './engine/model/hints.ts'
import { REPORTERS, createReporters } from './reporters/reporter.ts'
import { catalogTable, gradeLine } from './reporters/terminal.ts'

const USAGE = `socket-lab: run socket programs in real containers, inject faults, assert the outcome.

Usage:
  npm run lab <scenario> [<scenario>...]     run scenarios (\`all\` runs the whole catalog)
  npm run lab -- list                        list the scenarios
  npm run lab -- build [--offline]           (re)build the lab image; --offline skips the registry
  npm run lab -- clean [<scenario>...] [--images]
                                             remove what interrupted runs (of these scenarios) left behind;
                                             --images also removes lab images of older services/ versions
                                             that no container uses
  npm run lab -- grade <scenario> --server 'entregas/*/servidor.py' [--output grades]
                                             grade every student's file, each in its own lab; writes
                                             grades.csv and grades.json (one row per student)

Options:
  --impl ts|python    which reference programs run (default: ts)
  --param name=N      change a scenario parameter (e.g. --param loss=10 for udp-loss); repeatable
  --server FILE       run your own program in host \`server\` instead of the reference one
  --client FILE       the same for host \`client\`
  --host NAME=FILE    the same for any host; repeatable
                      (.py runs with python3, .js/.mjs/.cjs/.ts with node, else an executable with #!)
  --lang pt-BR|en     language of the hints (default: from LANG)
  --capture DIR       capture every host and keep DIR/<scenario>-<host>.pcap (for Wireshark)
  --report FILE       write a self-contained HTML report with a packet sequence diagram per scenario
  --parallel N        labs at once (default: number of cores): scenarios, each printed as one block in
                      catalog order, or grade's submissions
  --reporter NAME     also report as ${REPORTERS.filter((name) => name !== 'terminal').join(', ')} (repeatable); json and
                      junit write to --output, or to standard output (the terminal lines then go to standard error)
  -o, --output FILE   where the json or junit document goes; for grade, the base name of its CSV and JSON
  -h, --help          show this help

Exit codes: 0 all passed, 1 a scenario failed, 2 usage or environment error, 130 interrupted (143 SIGTERM).`

const say = (line: string) => console.log(`» ${line}`)

function parseLang(option: string | undefined): Lang {
  if (option === undefined) return langFromEnv()
  if (!LANGS.includes(option as Lang)) throw errors.usage(`--lang must be one of ${LANGS.join(', ')}, not "${option}"`)
  return option as Lang
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      impl: { type: 'string', default: 'ts' },
      images: { type: 'boolean' },
      offline: { type: 'boolean' },
      param: { type: 'string', multiple: true, default: [] },
      server: { type: 'string' },
      client: { type: 'string' },
      host: { type: 'string', multiple: true, default: [] },
      lang: { type: 'string' },
      parallel: { type: 'string' },
      capture: { type: 'string' },
      report: { type: 'string' },
      reporter: { type: 'string', multiple: true },
      output: { type: 'string', short: 'o' },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return EXIT.passed
  }
  const [command, ...rest] = positionals
  if (!command) throw errors.usage('name a scenario to run, or a command: list, build, clean')
  if (!IMPLS.includes(values.impl as Impl)) throw errors.usage(`--impl must be one of ${IMPLS.join(', ')}, not "${values.impl}"`)

  switch (command) {
    case 'list':
      console.log(catalogTable(await loadCatalog()))
      return EXIT.passed
    case 'build':
      await ensureLabImage(say, { force: true, offline: values.offline }, docker.preflight())
      say('lab image ready')
      return EXIT.passed
    case 'grade':
      return grade(rest, values)
    case 'clean': {
      const { clean, describeClean } = await import('./engine/tasks/clean.ts')
      await docker.preflight()
      const report = await clean({ images: values.images, scenarios: rest })
      for (const line of describeClean(report)) say(line)
      return report.failed.length ? EXIT.failed : EXIT.passed
    }
  }

  // Docker is checked while the scenarios load; its verdict counts only after theirs (usage errors come first).
  const dockerReady = docker.preflight()
  dockerReady.catch(() => undefined)
  const names = [command, ...rest]
  const params = parseParams(values.param, selectScenarios(await loadCatalog(undefined, {}, names), names))
  const scenarios = selectScenarios(await loadCatalog(undefined, params, names), names)
  const submissions = await submissionsFromOptions(values)
  const lang = parseLang(values.lang)
  const report = createReporters({ names: values.reporter ?? [], output: values.output, env: process.env, stdout: process.stdout, stderr: process.stderr, lang })
  const captureDir = values.capture === undefined ? undefined : userPath(values.capture)
  if (captureDir) await prepareCaptureDir(captureDir)
  const image = await ensureLabImage(report.note, {}, dockerReady)
  // Scenarios run a few at a time; each is reported as one block, in the order they were asked for.
  const finished = inOrder<ScenarioResult>((result) => report.scenarioFinished(result))
  // The longest (by their last run here) start first, so that a parallel catalog does not end on a long one.
  const startOrder = longestFirst(scenarios.map((s) => s.id), await readDurations())
  const results = await runPool(scenarios, parseParallel(values.parallel), async (scenario, index) => {
    report.scenarioStarted(scenario)
    const result = await runScenario(scenario, { image, impl: values.impl as Impl, submissions, captureDir, captureAll: values.report !== undefined })
    finished(result, index)
    return result
  }, startOrder)
  await recordDurations(results.filter((r) => r.status !== 'skipped' && !Object.keys(r.submissions).length).map((r) => ({ id: r.scenario.id, wallMs: r.wallMs })))
  await report.runFinished(results)
  if (captureDir) report.note(`captures (one pcap per host, open them in Wireshark): ${captureDir}/<scenario>-<host>.pcap`)
  if (values.report) {
    const { htmlReport } = await import('./reporters/html.ts')
    await writeFile(userPath(values.report), htmlReport(results))
    report.note(`report written to ${userPath(values.report)}`)
  }
  return results.some((r) => r.status === 'failed') ? EXIT.failed : EXIT.passed
}

/** `grade <scenario> --server 'glob'`: one isolated lab per student, a few at a time, rows to CSV and JSON. */
async function grade(names: string[], options: { server?: string; client?: string; host: string[]; lang?: string; parallel?: string; output?: string; impl: string }): Promise<number> {
  if (names.length !== 1) throw errors.usage('grade takes one scenario: npm run lab -- grade tcp-basic --server \'entregas/*/servidor.py\'')
  const { errorRow, findSubmissions, gradeRow, writeGrades } = await import('./engine/tasks/grade.ts')
  const [scenario] = selectScenarios(await loadCatalog(), names)
  const globs = filesByHost(options, 'glob')
  for (const host of Object.keys(globs)) if (!(host in scenario.hosts)) throw errors.usage(`${scenario.id} has no host "${host}" (hosts: ${Object.keys(scenario.hosts).join(', ')})`)
  const students = await findSubmissions(globs)
  const lang = parseLang(options.lang)
  const parallel = parseParallel(options.parallel)
  const image = await ensureLabImage(say, {}, docker.preflight())
  say(`grading ${students.length} submissions with ${scenario.id}, ${parallel} at a time`)
  const started = performance.now()
  const print = inOrder((row: GradeRow) => console.log(gradeLine(row)))
  const rows = await runPool(students, parallel, async (student, index) => {
    const row = await runScenario(scenario, { image, impl: options.impl as Impl, submissions: student.files })
      .then((result) => gradeRow(student, result, lang), (error: Error) => {
        if (error instanceof LabError && error.exitCode === EXIT.usage) return errorRow(student, error)
        throw error
      })
    print(row, index)
    return row
  })
  const written = await writeGrades(rows, options.output ?? `grades-${scenario.id}`)
  const passed = rows.filter((row) => row.verdict === 'passed').length
  say(`${passed}/${rows.length} passed in ${formatMs(performance.now() - started)}; wrote ${written.join(' and ')}`)
  return passed === rows.length ? EXIT.passed : EXIT.failed
}

function parseParallel(option: string | undefined): number {
  return option === undefined ? os.availableParallelism() : positiveInteger('parallel', option)
}

tearDownOnSignals()

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (error) {
  if (error instanceof LabError) {
    console.error(`socket-lab: ${error.message}`)
    process.exitCode = error.exitCode
  } else if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`socket-lab: ${(error as Error).message} (see \`npm run lab -- --help\`)`)
    process.exitCode = EXIT.usage
  } else {
    console.error(`socket-lab: unexpected error: ${(error as Error).stack ?? error}`)
    process.exitCode = EXIT.usage
  }
}
