// The scenario catalog: every file in scenarios/ is one scenario, and its file name is its id.
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { errors } from './errors.ts'
import { SCENARIOS_DIR } from './layout.ts'
import type { Scenario, ScenarioDef } from './scenario.ts'

export async function loadCatalog(dir = SCENARIOS_DIR): Promise<Scenario[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.ts')).sort()
  return Promise.all(files.map(async (name) => {
    const module = (await import(pathToFileURL(path.join(dir, name)).href)) as { default: ScenarioDef }
    return { id: path.basename(name, '.ts'), ...module.default }
  }))
}

/** The scenarios named on the command line, in that order; `all` is the whole catalog. */
export function selectScenarios(catalog: Scenario[], names: string[]): Scenario[] {
  if (names.includes('all')) return catalog
  return names.map((name) => {
    const scenario = catalog.find((s) => s.id === name)
    if (!scenario) throw errors.unknownScenario(name, catalog.map((s) => s.id))
    return scenario
  })
}
