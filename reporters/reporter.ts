// What every reporter is, and which ones a run uses. A reporter only renders ScenarioResult records: it never
// runs anything and never talks to Docker. Adding one (an HTML report, say) is one more file here and one line
// in REPORTERS below.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { errors } from '../engine/model/errors.ts'
import type { Lang } from '../engine/model/hints.ts'
import type { ScenarioResult } from '../engine/model/result.ts'
import type { Scenario } from '../engine/model/scenario.ts'
import { GithubReporter } from './github.ts'
import { JsonReporter } from './json.ts'
import { JunitReporter } from './junit.ts'
import { TerminalReporter, isLive } from './terminal.ts'

export interface Reporter {
  /** A scenario is about to run (with --parallel, several may be running at once). */
  scenarioStarted(scenario: Scenario): void
  /** A scenario ended; its result is final. */
  scenarioFinished(result: ScenarioResult): void
  /** Every scenario ended; results are in the order they were asked for. */
  runFinished(results: ScenarioResult[]): Promise<void>
}

/** Where a reporter's document goes: the --output file, or standard output. */
export type Sink = (text: string) => Promise<void>

/** Reporters chosen with --reporter. The terminal reporter always runs; github also runs when GITHUB_ACTIONS=true. */
export const REPORTERS = ['terminal', 'json', 'junit', 'github'] as const
export type ReporterName = (typeof REPORTERS)[number]
/** The reporters that write one document, to --output or to standard output. */
const DOCUMENT_REPORTERS: readonly ReporterName[] = ['json', 'junit']

export interface ReporterChoice {
  names: string[]
  output?: string
  env: NodeJS.ProcessEnv
  stdout: NodeJS.WriteStream
  stderr: NodeJS.WriteStream
  /** The language of the hints for a failed submission. */
  lang?: Lang
}

/** Every reporter of a run behind one Reporter, plus `note` for the lab's own progress lines. */
export interface RunReporters extends Reporter {
  note(line: string): void
}

export function createReporters(choice: ReporterChoice): RunReporters {
  const names = new Set<ReporterName>(['terminal'])
  for (const name of choice.names) {
    if (!REPORTERS.includes(name as ReporterName)) throw errors.usage(`--reporter must be one of ${REPORTERS.join(', ')}, not "${name}"`)
    names.add(name as ReporterName)
  }
  if (choice.env.GITHUB_ACTIONS === 'true') names.add('github')
  const documents = DOCUMENT_REPORTERS.filter((name) => names.has(name))
  if (documents.length > 1) throw errors.usage(`--reporter ${documents.join(' and ')} would both write one document; choose one per run`)
  if (choice.output && !documents.length) throw errors.usage('--output needs --reporter json or --reporter junit')

  // A document on standard output must stay parseable, so the person's lines move to standard error.
  const human = documents.length && !choice.output ? choice.stderr : choice.stdout
  const sink: Sink = choice.output ? writeFileSink(choice.output) : writeStreamSink(choice.stdout)
  const terminal = new TerminalReporter(human, isLive(human, choice.env), choice.lang)
  const reporters: Reporter[] = [terminal]
  if (names.has('json')) reporters.push(new JsonReporter(sink))
  if (names.has('junit')) reporters.push(new JunitReporter(sink, choice.lang))
  if (names.has('github')) reporters.push(new GithubReporter(writeStreamSink(human), choice.env.GITHUB_STEP_SUMMARY))

  return {
    note: (line) => terminal.note(line),
    scenarioStarted: (scenario) => reporters.forEach((r) => r.scenarioStarted(scenario)),
    scenarioFinished: (result) => reporters.forEach((r) => r.scenarioFinished(result)),
    runFinished: async (results) => {
      for (const reporter of reporters) await reporter.runFinished(results)
    },
  }
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
