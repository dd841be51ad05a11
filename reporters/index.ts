// Which reporters a command uses, and one Reporter that passes every event to all of them. Each reporter is a
// module of its own, loaded only when chosen (every module loaded before a lab comes up delays it); adding one
// is one more file and one line in LOADERS.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { errors } from '../engine/model/errors.ts'
import type { Lang } from '../engine/model/hints.ts'
import { TEACHER, viewResult, type ViewChoice } from '../engine/model/view.ts'
import { TerminalReporter, isLive } from './terminal.ts'
import type { ScenarioResult } from '../engine/model/result.ts'
import type { Note, Reporter, Sink } from './types.ts'

/** Reporters chosen with --reporter. The terminal reporter always runs; github also runs when GITHUB_ACTIONS=true. */
export const REPORTERS = ['terminal', 'json', 'junit', 'github', 'gradescope', 'prairielearn', 'events'] as const
export type ReporterName = (typeof REPORTERS)[number]
/** The reporters that write one document, to --output or to standard output. */
const DOCUMENT_REPORTERS: readonly ReporterName[] = ['json', 'junit', 'gradescope', 'prairielearn', 'events']
/** The autograder formats carry each check's visibility themselves, so they get every check, unviewed. */
const UNVIEWED: readonly ReporterName[] = ['gradescope', 'prairielearn']

export interface ReporterChoice {
  names: string[]
  output?: string
  /** --report FILE: the HTML report (a path already resolved against the user's directory). */
  html?: string
  /** `lab grade`: the base path of the CSV and JSON files of the grades. */
  grades?: string
  env: NodeJS.ProcessEnv
  stdout: NodeJS.WriteStream
  stderr: NodeJS.WriteStream
  /** The language of the hints for a failed submission. */
  lang?: Lang
  /** `grade --report FILE`: the class report (reporters/class-html.ts) and its title, given how many students it has. */
  classReport?: { file: string; title: (students: number) => string }
  /** Whose view the reports show (engine/model/view.ts); the teacher's by default. */
  view?: ViewChoice
}

interface Context {
  sink: Sink
  human: NodeJS.WriteStream
  choice: ReporterChoice
  note: Note
}

const LOADERS: Record<Exclude<ReporterName, 'terminal'>, (context: Context) => Promise<Reporter>> = {
  json: async ({ sink }) => new (await import('./json.ts')).JsonReporter(sink),
  events: async ({ choice }) => new (await import('./events.ts')).EventsReporter(choice.output, choice.stdout),
  junit: async ({ sink, choice }) => new (await import('./junit.ts')).JunitReporter(sink, choice.lang),
  github: async ({ human, choice }) =>
    new (await import('./github.ts')).GithubReporter(writeStreamSink(human), choice.env.GITHUB_STEP_SUMMARY),
  gradescope: async ({ sink, choice }) => {
    const { gradescopeResults } = await import('./gradescope.ts')
    return jsonDocument(sink, (results) => gradescopeResults(results, choice.lang))
  },
  prairielearn: async ({ sink, choice }) => {
    const { prairielearnResults } = await import('./prairielearn.ts')
    return jsonDocument(sink, (results) => prairielearnResults(results, choice.lang, choice.view?.afterDue))
  },
}

/** Every chosen reporter behind one, whose hooks are all there. */
export type RunReporters = Required<Reporter>

export async function createReporters(choice: ReporterChoice): Promise<RunReporters> {
  const names = new Set<ReporterName>(['terminal'])
  for (const name of choice.names) {
    if (!REPORTERS.includes(name as ReporterName))
      throw errors.usage(`--reporter must be one of ${REPORTERS.join(', ')}, not "${name}"`)
    names.add(name as ReporterName)
  }
  if (choice.env.GITHUB_ACTIONS === 'true') names.add('github')
  const documents = DOCUMENT_REPORTERS.filter((name) => names.has(name))
  if (documents.length > 1)
    throw errors.usage(`--reporter ${documents.join(' and ')} would both write one document; choose one per run`)
  if (choice.output && !documents.length)
    throw errors.usage(
      `--output needs --reporter ${DOCUMENT_REPORTERS.slice(0, -1).join(', ')} or ${DOCUMENT_REPORTERS.at(-1)}`,
    )

  // A document on standard output must stay parseable, so the person's lines move to standard error.
  const human = documents.length && !choice.output ? choice.stderr : choice.stdout
  const terminal = new TerminalReporter(human, isLive(human, choice.env), choice.lang)
  const context: Context = {
    sink: choice.output ? writeFileSink(choice.output) : writeStreamSink(choice.stdout),
    human,
    choice,
    note: (line) => terminal.onNote(line),
  }
  const view = choice.view ?? TEACHER
  const reporters: Reporter[] = [viewed(terminal, view)]
  for (const name of names)
    if (name !== 'terminal')
      reporters.push(
        UNVIEWED.includes(name) ? await LOADERS[name](context) : viewed(await LOADERS[name](context), view),
      )
  if (choice.html)
    reporters.push(
      viewed(
        new (await import('./html.ts')).HtmlReporter(writeFileSink(choice.html), () =>
          context.note(`report written to ${choice.html}`),
        ),
        view,
      ),
    )
  if (choice.grades) reporters.push(new (await import('./grades.ts')).GradesReporter(choice.grades, context.note))
  const { classReport } = choice
  if (classReport)
    reporters.push(
      new (await import('./class-html.ts')).ClassReportReporter(
        writeFileSink(classReport.file),
        classReport.title,
        () => context.note(`class report written to ${classReport.file}`),
      ),
    )
  return fanOut(reporters)
}

/** The reporter, given each result as `view` sees it (the same result when nothing is weighted or hidden). */
function viewed(reporter: Reporter, view: ViewChoice): Reporter {
  return {
    onNote: reporter.onNote?.bind(reporter),
    onScenarioStart: reporter.onScenarioStart?.bind(reporter),
    onEvent:
      reporter.onEvent &&
      ((event) => {
        // A check's record is the teacher's: a student's view gets the checks it may see, with the run's end.
        if (event.kind === 'check' && view.view !== 'teacher') return
        reporter.onEvent!(event.kind === 'run-ended' ? { ...event, result: viewResult(event.result, view) } : event)
      }),
    onScenarioEnd: reporter.onScenarioEnd && ((result) => reporter.onScenarioEnd!(viewResult(result, view))),
    onGrade: reporter.onGrade?.bind(reporter),
    onProgress: reporter.onProgress?.bind(reporter),
    onRunEnd: reporter.onRunEnd && ((results) => reporter.onRunEnd!(results.map((r) => viewResult(r, view)))),
  }
}

/** One reporter that calls the hook of every reporter that has it; the run's end waits for each in turn. */
function fanOut(reporters: Reporter[]): RunReporters {
  return {
    onNote: (line) => reporters.forEach((r) => r.onNote?.(line)),
    onScenarioStart: (scenario) => reporters.forEach((r) => r.onScenarioStart?.(scenario)),
    onEvent: (event) => reporters.forEach((r) => r.onEvent?.(event)),
    onScenarioEnd: (result) => reporters.forEach((r) => r.onScenarioEnd?.(result)),
    onGrade: (row) => reporters.forEach((r) => r.onGrade?.(row)),
    onProgress: (progress) => reporters.forEach((r) => r.onProgress?.(progress)),
    onRunEnd: async (results) => {
      for (const reporter of reporters) await reporter.onRunEnd?.(results)
    },
  }
}

/** A reporter that writes one JSON document when the run ends (the autograder formats). */
function jsonDocument(sink: Sink, render: (results: ScenarioResult[]) => unknown): Reporter {
  return { onRunEnd: (results) => sink(`${JSON.stringify(render(results), null, 2)}\n`) }
}

function writeFileSink(file: string): Sink {
  return async (text) => {
    await mkdir(path.dirname(path.resolve(file)), { recursive: true })
    await writeFile(file, text)
  }
}

function writeStreamSink(stream: NodeJS.WritableStream): Sink {
  return (text) => new Promise((resolve, reject) => stream.write(text, (error) => (error ? reject(error) : resolve())))
}
