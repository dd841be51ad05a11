// JUnit XML for CI test views: one testsuite per scenario, one testcase per check. A failed check's failure
// message is the observed value; its text adds the verdict and what every host printed, the evidence.
import type { Builder } from 'junit-report-builder'
import { formatMs, hostEnd } from '../engine/model/describe.ts'
import type { Lang } from '../engine/model/hints.ts'
import type { ScenarioResult } from '../engine/model/result.ts'
import type { Check, HostRun } from '../engine/model/scenario.ts'
import { visible } from '../engine/model/visible.ts'
import type { Reporter, Sink } from './types.ts'

/** The builder, loaded only for runs that ask for JUnit: it is the lab's heaviest library to load. */
async function loadBuilder(): Promise<Builder> {
  // Its types declare an ES default export (seen from here as the default of the CommonJS module.exports), but
  // at run time module.exports is the builder itself: either shape is taken.
  const { default: exported }: { default: Builder | { default: Builder } } = await import('junit-report-builder')
  return 'default' in exported ? exported.default : exported
}

/** Untrusted text for the document: controls made visible (XML cannot hold most of them, and the builder would
 * drop them silently), and every `]]>` broken up. The builder splits only the first `]]>` of a CDATA section, so
 * a program printing `]]><testcase name="forged"/><![CDATA[` twice could add a passing testcase. */
export const xmlSafe = (text: string) => visible(text).replaceAll(']]>', ']]\\x3e')

export async function junitReport(results: ScenarioResult[], lang: Lang = 'en'): Promise<string> {
  const builder = (await loadBuilder()).newBuilder().name('socket-lab')
  for (const result of results) {
    const suite = builder
      .testSuite()
      .name(`${result.scenario.id} (${result.impl})`)
      .time(result.wallMs / 1000)
      .property('title', result.scenario.title)
      .property('seed', result.scenario.teaches)
      .property('project', result.project)
      // `seed` already names the course section the scenario comes from
      .property('random-seed', String(result.seed))
    if (result.status === 'skipped') {
      suite
        .testCase()
        .className(result.scenario.id)
        .name(xmlSafe(`skipped: ${result.run.skipped ?? 'cannot run here'}`))
        .skipped()
    }
    for (const check of result.checks) {
      const testCase = suite
        .testCase()
        .className(result.scenario.id)
        .name(xmlSafe(check.description))
        .file(`scenarios/${result.scenario.id}.ts`)
      if (!check.passed)
        testCase.failure(xmlSafe(check.reason), 'check failed').stacktrace(failureText(result, check, lang))
    }
  }
  return builder.build()
}

/** The verdict, the observed value, the likely mistake of a submitted program, and each host's end and output. */
export function failureText(result: ScenarioResult, check: Check, lang: Lang = 'en'): string {
  const hosts = Object.values(result.run.hosts).map(hostEvidence)
  const lines = [
    `FAILED: ${check.description}`,
    `observed: ${check.reason}`,
    ...(check.details ?? []).map((line) => `  ${line}`),
    ...result.run.problems.map((p) => `problem: ${p.text}`),
    ...result.hints.map((hint) => `hint: ${hint.text[lang]}`),
    '',
    ...hosts.flat(),
  ]
  return lines.map(xmlSafe).join('\n')
}

/** Lines of each output stream a failed testcase repeats: the last ones, where a traceback is. Every failed check
 * repeats them, and a program's 1 MiB printed a character a line is half a million lines. */
export const EVIDENCE_LINES = 100

function hostEvidence(host: HostRun): string[] {
  const stream = (name: 'stdout' | 'stderr', lines: HostRun['stdout']) => [
    ...(lines.length > EVIDENCE_LINES ? [`  (${lines.length - EVIDENCE_LINES} earlier ${name} lines left out)`] : []),
    ...lines.slice(-EVIDENCE_LINES).map((line) => `  ${formatMs(line.atMs).padStart(7)} ${name} ${line.text}`),
  ]
  const lines = [...stream('stdout', host.stdout), ...stream('stderr', host.stderr)]
  return [`${host.host}: ${hostEnd(host)}`, ...(lines.length ? lines : ['  (printed nothing)'])]
}

export class JunitReporter implements Reporter {
  readonly #sink: Sink
  readonly #lang: Lang
  constructor(sink: Sink, lang: Lang = 'en') {
    this.#sink = sink
    this.#lang = lang
  }
  async onRunEnd(results: ScenarioResult[]): Promise<void> {
    await this.#sink(await junitReport(results, this.#lang))
  }
}
