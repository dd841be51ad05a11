// The scenario catalog: every file in scenarios/ is one scenario, and its file name is its id.
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { errors } from '../model/errors.ts'
import { SCENARIOS_DIR, userPath } from './layout.ts'
import { hostKindProblem, resolveHostPaths } from './host-kinds.ts'
import type { Params, ParametrizedScenarioDef, Scenario, ScenarioDef } from '../model/scenario.ts'
import { validateFaults } from './faults.ts'

/** Scenario files: TypeScript or JavaScript (a compiled package ships .js), never tests or declarations. */
const SCENARIO_FILE = /\.(?:[mc]?ts|[mc]?js)$/
const isScenarioFile = (name: string) => SCENARIO_FILE.test(name) && !/\.(?:test|d)\.[mc]?[tj]s$/.test(name)
/** A scenario's id is its file name without the extension. */
export const scenarioId = (file: string) => path.basename(file).replace(SCENARIO_FILE, '')

/** The command line runs compiled (bin/socket-lab.mjs) and starts a TypeScript loader only when a scenario file in
 * TypeScript is loaded: it leaves here the function that does. Elsewhere (tsx, vitest) TypeScript loads already. */
const typeScriptLoader = () =>
  (globalThis as { [key: symbol]: (() => Promise<void>) | undefined })[Symbol.for('socket-lab.typescript')]

/** A scenario file loaded, not yet instantiated: a parametrized one becomes a scenario once its parameters are known. */
interface Definition {
  id: string
  file: string
  source: ScenarioDef | ParametrizedScenarioDef
  /** A parametrized scenario's parameters with their defaults. */
  params?: Params
}

/** Every scenario, parametrized ones declared with their defaults overridden by `params` where they have them;
 * with `only`, just the scenarios of those names when all exist (a run of one loads one file, not fifteen); `fresh`
 * reads the files again (`--watch`: a scenario saved since its first import). */
export async function loadCatalog(
  dir = SCENARIOS_DIR,
  params: Params = {},
  only?: string[],
  fresh = false,
): Promise<Scenario[]> {
  return (await loadDefinitions(dir, only, fresh)).map((definition) => instantiate(definition, params))
}

async function loadDefinitions(dir: string, only?: string[], fresh = false): Promise<Definition[]> {
  let files = (
    await readdir(dir).catch(() => {
      throw errors.usage(`no scenario folder "${dir}"`)
    })
  )
    .filter(isScenarioFile)
    .sort()
  if (only && only.every((id) => files.some((name) => scenarioId(name) === id)))
    files = files.filter((name) => only.includes(scenarioId(name)))
  return Promise.all(files.map((name) => loadDefinition(path.join(dir, name), fresh)))
}

/** The scenarios named on a command line, in that order: ids from `dir`'s catalog (`all` for all of it), and
 * paths of scenario files anywhere (`./labs/retry.ts`), resolved against the user's folder. */
export async function chooseScenarios(names: string[], params: Params = {}, dir = SCENARIOS_DIR): Promise<Scenario[]> {
  return (await chooseDefinitions(names, dir)).map((definition) => instantiate(definition, params))
}

/** The scenarios named (as chooseScenarios reads names), each instantiated once with the `--param name=N` options
 * given, and those parameters; every name given must be a parameter of one of them. */
export async function instantiateScenarios(
  names: string[],
  paramOptions: string[],
  dir = SCENARIOS_DIR,
): Promise<{ scenarios: Scenario[]; params: Params }> {
  const definitions = await chooseDefinitions(names, dir)
  const params = parseParams(paramOptions, definitions)
  return { scenarios: definitions.map((definition) => instantiate(definition, params)), params }
}

async function chooseDefinitions(names: string[], dir: string): Promise<Definition[]> {
  const isPath = (name: string) => name.includes('/') || SCENARIO_FILE.test(name)
  const ids = names.filter((name) => !isPath(name))
  const catalog = ids.length ? selectScenarios(await loadDefinitions(dir, ids), ids) : []
  const chosen = await Promise.all(
    names.map((name) =>
      isPath(name) ? loadDefinition(userPath(name)) : (catalog.find((s) => s.id === name) ?? catalog),
    ),
  )
  return chosen.flat()
}

type LoadedModule = {
  default?: ScenarioDef | ParametrizedScenarioDef | { default?: ScenarioDef | ParametrizedScenarioDef }
  'module.exports'?: unknown
}

/** A scenario file's default export. A file tsx compiled to CommonJS (in a package without "type": "module") gives
 * its exports object as the default, the scenario as that object's own default. */
function defaultExport(module: LoadedModule): ScenarioDef | ParametrizedScenarioDef | undefined {
  const exported = module.default
  const commonJs =
    'module.exports' in module && typeof exported === 'object' && exported !== null && 'default' in exported
  return (commonJs ? (exported as { default?: unknown }).default : exported) as
    ScenarioDef | ParametrizedScenarioDef | undefined
}

/** One scenario file, validated, its hosts' relative paths counted from its folder; `fresh` imports it again. */
export async function loadScenario(file: string, params: Params = {}, fresh = false): Promise<Scenario> {
  return instantiate(await loadDefinition(file, fresh), params)
}

async function loadDefinition(file: string, fresh = false): Promise<Definition> {
  const id = scenarioId(file)
  if (/\.[mc]?ts$/.test(file)) await typeScriptLoader()?.()
  const module = (await import(`${pathToFileURL(file).href}${fresh ? `?at=${Date.now()}` : ''}`).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(file))
        throw errors.usage(`no scenario file "${file}"`)
      throw errors.scenarioFileFailed(file, String(error.message).split('\n')[0])
    },
  )) as LoadedModule
  const source = defaultExport(module)
  if (!source || typeof source !== 'object')
    throw errors.usage(`${file} has no scenario: its default export must be defineScenario({ ... })`)
  return { id, file, source, ...('define' in source ? { params: source.params } : {}) }
}

/** A scenario of a definition, validated; a parametrized one with `params` where it has them, else its defaults. */
function instantiate({ id, file, source }: Definition, params: Params): Scenario {
  const finish = (def: ScenarioDef, chosen?: Params) => {
    const scenario = resolveHostPaths({ id, ...def, ...(chosen ? { params: chosen } : {}) }, path.dirname(file))
    try {
      validateScenario(scenario)
    } catch (error) {
      throw errors.badScenario((error as Error).message)
    }
    return scenario
  }
  if (!('define' in source)) return finish(source)
  const chosen = withOverrides(source.params, params)
  try {
    return finish(source.define(chosen), chosen)
  } catch (error) {
    // with the defaults, a scenario that fails is a bug in its file; with values from --param, it is the user's
    const given = Object.keys(source.params).filter((param) => param in params)
    if (!given.length) throw error
    const message = (error as Error).message.replace(`scenario ${id}: `, '')
    throw errors.usage(
      `--param ${given.map((param) => `${param}=${params[param]}`).join(' ')} cannot run scenario ${id}: ${message}`,
    )
  }
}

function withOverrides(defaults: Params, overrides: Params): Params {
  return Object.fromEntries(Object.entries(defaults).map(([name, value]) => [name, overrides[name] ?? value]))
}

/** Mistakes in a scenario file, caught when the catalog loads rather than halfway through a run. */
export function validateScenario(scenario: Scenario): void {
  const hosts = Object.keys(scenario.hosts)
  const fail = (problem: string) => {
    throw new Error(`scenario ${scenario.id}: ${problem}`)
  }
  for (const host of Object.keys(scenario.expect))
    if (!hosts.includes(host)) fail(`expects something of "${host}", which it does not declare`)
  hosts.forEach((host, index) => {
    const spec = scenario.hosts[host]
    const kindProblem = hostKindProblem(host, spec)
    if (kindProblem) fail(kindProblem)
    const earlier = hosts.slice(0, index)
    for (const name of [...(spec.after ?? []), ...(spec.inside ? [spec.inside] : [])]) {
      if (!earlier.includes(name)) fail(`host "${host}" waits for "${name}", which is not declared before it`)
    }
  })
  try {
    validateFaults(scenario)
  } catch (error) {
    fail((error as Error).message)
  }
}

/** Reads `--param name=value` options; every name must be a parameter of one of the chosen scenarios. */
export function parseParams(options: string[], scenarios: Pick<Scenario, 'params'>[]): Params {
  const known = new Set(scenarios.flatMap((s) => Object.keys(s.params ?? {})))
  return Object.fromEntries(
    options.map((option) => {
      const match = option.match(/^([\w-]+)=(-?\d+(?:\.\d+)?)$/)
      if (!match) throw errors.usage(`--param takes name=number, not "${option}"`)
      if (!known.has(match[1]))
        throw errors.usage(
          `no chosen scenario has a parameter "${match[1]}"${known.size ? ` (they have: ${[...known].join(', ')})` : ''}`,
        )
      const value = Number(match[2])
      // a parameter declared with a whole number counts something (datagrams, messages, percent): it takes whole numbers
      const whole = scenarios.some((s) => Number.isInteger(s.params?.[match[1]]))
      if (value < 0 || (whole && !Number.isInteger(value)))
        throw errors.usage(`--param ${match[1]} takes a ${whole ? 'whole ' : ''}number from 0, not ${match[2]}`)
      return [match[1], value]
    }),
  )
}

/** The scenarios named on the command line, in that order; `all` is the whole catalog. */
export function selectScenarios<S extends Pick<Scenario, 'id'>>(catalog: S[], names: string[]): S[] {
  if (names.includes('all')) return catalog
  return names.map((name) => {
    const scenario = catalog.find((s) => s.id === name)
    if (!scenario)
      throw errors.unknownScenario(
        name,
        catalog.map((s) => s.id),
      )
    return scenario
  })
}
