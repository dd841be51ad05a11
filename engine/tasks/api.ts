// The programmatic API, for a project's own test files (vitest, node:test, any runner): run a scenario, given as
// a file or as the value of defineScenario, and get back the record the reporters read; `expectPassed` turns a
// failed one into an Error that lists each failed check with its reason.
import path from 'node:path'
import type { ScenarioResult } from '../model/result.ts'
import type { ParametrizedScenarioDef, Params, Scenario, ScenarioDef } from '../model/scenario.ts'
import { loadScenario, validateScenario } from '../plan/catalog.ts'
import { resolveHostPaths } from '../plan/host-kinds.ts'
import { userPath } from '../plan/layout.ts'
import * as docker from '../runtime/docker.ts'
import { ensureLabImage } from '../runtime/image.ts'
import { runScenario as runLab, type RunOptions } from '../runtime/run.ts'

export interface ApiRunOptions extends Partial<RunOptions> {
  /** The scenario's name in results, for one given as a value (a file's is its name). Default: "scenario". */
  id?: string
  /** Parameters of a parametrized scenario. */
  params?: Params
  /** Where notes of the lab go (an image being built); default: standard error. */
  say?: (line: string) => void
}

let labImage: Promise<string> | undefined

/** Runs one scenario in real containers. A relative path counts from the current folder; so do the relative
 * paths of a scenario given as a value. */
export async function runScenario(
  scenario: string | Scenario | ScenarioDef | ParametrizedScenarioDef,
  options: ApiRunOptions = {},
): Promise<ScenarioResult> {
  const say = options.say ?? ((line: string) => process.stderr.write(`socket-lab: ${line}\n`))
  const chosen = await resolveScenario(scenario, options)
  // The lab image is built (or found) once per process, however many scenarios its tests run.
  const image =
    options.image ??
    (await (labImage ??= ensureLabImage(say, {}, docker.preflight()).catch((error) => {
      labImage = undefined
      throw error
    })))
  return runLab(chosen, { ...options, image })
}

async function resolveScenario(
  scenario: string | Scenario | ScenarioDef | ParametrizedScenarioDef,
  options: ApiRunOptions,
): Promise<Scenario> {
  if (typeof scenario === 'string') return loadScenario(userPath(scenario), options.params)
  const def =
    'define' in scenario
      ? {
          ...scenario.define({ ...scenario.params, ...options.params }),
          params: { ...scenario.params, ...options.params },
        }
      : scenario
  const id = options.id ?? ('id' in def && typeof def.id === 'string' ? def.id : 'scenario')
  const resolved = resolveHostPaths({ ...def, id }, path.resolve('.'))
  validateScenario(resolved)
  return resolved
}

/** The failed checks and problems of a result, one a line, as a test runner's failure message shows them. */
export function failureReport(result: ScenarioResult): string {
  const failed = result.checks.filter((check) => !check.passed)
  return [
    `scenario ${result.scenario.id} ${result.status}: ${failed.length} of ${result.checks.length} checks failed`,
    ...failed.map((check) => `  ✗ ${check.description}: ${check.reason}`),
    ...result.run.problems
      .filter((problem) => !failed.some((check) => check.reason.includes(problem.text)))
      .map((problem) => `  ! ${problem.text}`),
    ...result.hints.map((hint) => `  hint: ${hint.text.en}`),
  ].join('\n')
}

/** Throws an Error listing every failed check with its reason, unless the scenario passed. A skipped scenario
 * (this machine lacks what it needs) fails too: a CI suite should not pass on what it never ran. */
export function expectPassed(result: ScenarioResult): ScenarioResult {
  if (result.status === 'passed') return result
  if (result.status === 'skipped')
    throw new ScenarioFailed(`scenario ${result.scenario.id} was skipped: ${result.run.skipped}`)
  throw new ScenarioFailed(failureReport(result))
}

export class ScenarioFailed extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ScenarioFailed'
  }
}
