// Turns a run's plain results into check records { description, passed, reason }. No Docker here.
import { formatMs, hostEnd } from '../model/describe.ts'
import type { Check, HostRun, LabRun, Scenario } from '../model/scenario.ts'

export { formatMs }

const quote = (text: string) => JSON.stringify(text)

function lastLines(host: HostRun, count = 3): string {
  const clip = (text: string) => (text.length > 100 ? `${text.slice(0, 100)}…` : text)
  const lines = host.stdout.slice(-count).map((line) => quote(clip(line.text)))
  return lines.length ? `its last output: ${lines.join(', ')}` : 'it printed nothing'
}

/** The description of the check that `host` printed `line`: what grading and hints name it by. */
export const printedCheck = (host: string, line: string) => `${host} printed ${quote(line)}`

/** The host printed each line, in order. */
export function expectPrinted(host: HostRun, lines: string[]): Check[] {
  let from = 0
  return lines.map((expected) => {
    const description = printedCheck(host.host, expected)
    const index = host.stdout.findIndex((line, i) => i >= from && line.text === expected)
    if (index < 0) return { description, passed: false, reason: `${host.host} never printed it; ${lastLines(host)}` }
    from = index + 1
    return { description, passed: true, reason: `printed after ${formatMs(host.stdout[index].atMs)}` }
  })
}

/** The line of a program's stderr that names its error: Python's last traceback line, Node's `Error: …` line. */
export function errorLine(host: Pick<HostRun, 'stderr'>): string | undefined {
  const lines = host.stderr
    .map((line) => line.text.trim())
    .filter((text) => text && !/^(at |Node\.js v\d|\^+$|[{}]|\w+: .*,$)/.test(text))
  return lines.findLast((text) => /^[\w.]*(Error|Exception|Interrupt)\b.*:/.test(text)) ?? lines.at(-1)
}

/** How the host ended and, for a failing exit, the line of its stderr that says why. */
function describeEnd(host: HostRun): string {
  const stderr = host.started && host.exitCode ? errorLine(host) : undefined
  return `${hostEnd(host)}${stderr ? `: ${stderr}` : ''}`
}

/** The host exited with the given code, or kept running when 'running' is expected. */
export function expectExit(host: HostRun, expected: number | 'running'): Check {
  if (expected === 'running') {
    return {
      description: `${host.host} kept serving until the end`,
      passed: host.started && host.exitCode === null,
      reason: describeEnd(host),
    }
  }
  return {
    description: `${host.host} exited with code ${expected}`,
    passed: host.exitCode === expected,
    reason: describeEnd(host),
  }
}

const missingHost = (name: string): HostRun => ({
  host: name,
  started: false,
  exitCode: null,
  startedAt: 0,
  elapsedMs: 0,
  stdout: [],
  stderr: [],
})

/** The check a run gets only when a phase went wrong: a points table may name it though no run of a class had it. */
export const LAB_RAN_TO_THE_END = 'the lab ran to the end'

/** Every check a scenario declares, in the order its expectations are written. */
export function checkScenario(scenario: Scenario, run: LabRun): Check[] {
  const checks: Check[] = []
  if (run.problems.length) {
    checks.push({
      description: LAB_RAN_TO_THE_END,
      passed: false,
      reason: run.problems.map((problem) => problem.text).join('; '),
    })
  }
  for (const [name, expectation] of Object.entries(scenario.expect)) {
    const host = run.hosts[name] ?? missingHost(name)
    if (expectation.prints) checks.push(...expectPrinted(host, expectation.prints))
    if (expectation.exit !== undefined) checks.push(expectExit(host, expectation.exit))
  }
  if (scenario.check) checks.push(...scenario.check(run))
  return checks
}

/** When the host first printed `text` on stdout, in epoch milliseconds (a clock shared by every host and capture). */
export function printedAt(host: HostRun, text: string): number | undefined {
  const line = host.stdout.find((l) => l.text === text)
  return line && host.startedAt + line.atMs
}
