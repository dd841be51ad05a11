// Every exercise is graded by its scenario, and the guide's own program (adapted only in host and bind
// address) passes it: the statement, the scenario and the reference agree.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../engine/plan/catalog.ts'
import { ROOT } from '../engine/plan/layout.ts'
import { runScenario } from '../engine/runtime/run.ts'

interface Exercise { scenario: string; host: string; starter: string; reference: string }

const EXERCISES_DIR = path.join(ROOT, 'exercises')
const exercises = readdirSync(EXERCISES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => ({ name: entry.name, ...(JSON.parse(readFileSync(path.join(EXERCISES_DIR, entry.name, 'exercise.json'), 'utf8')) as Exercise) }))
const catalog = await loadCatalog()

describe('exercises', () => {
  it.each(exercises)('$name has its statement in both languages, a starter, and a scenario of the catalog', (exercise) => {
    for (const file of ['README.md', 'README.en.md', exercise.starter]) {
      expect(readFileSync(path.join(EXERCISES_DIR, exercise.name, file), 'utf8').length).toBeGreaterThan(0)
    }
    expect(selectScenarios(catalog, [exercise.scenario])[0].hosts).toHaveProperty(exercise.host)
  })

  it.concurrent.each(exercises)("$name: the guide's own program passes $scenario", { timeout: 90_000 }, async (exercise) => {
    const [scenario] = selectScenarios(catalog, [exercise.scenario])
    const result = await runScenario(scenario, { image: inject('labImage'), submissions: { [exercise.host]: path.join(ROOT, exercise.reference) } })
    expect(result.checks.filter((c) => !c.passed)).toEqual([])
  })
})
