// Every exercise is graded by its scenario, and the guide's own program (adapted only in host and bind
// address) passes it: the statement, the scenario and the reference agree.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../engine/plan/catalog.ts'
import { ROOT } from '../engine/plan/layout.ts'
import { runScenario } from '../engine/runtime/run.ts'

interface Exercise {
  scenario: string
  host: string
  starter: string
  reference: string
}

const EXERCISES_DIR = path.join(ROOT, 'exercises')
const exercises = readdirSync(EXERCISES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => ({
    name: entry.name,
    ...(JSON.parse(readFileSync(path.join(EXERCISES_DIR, entry.name, 'exercise.json'), 'utf8')) as Exercise),
  }))
const catalog = await loadCatalog()

describe('exercises', () => {
  it.each(exercises)(
    '$name has its statement in both languages, a starter, and a scenario of the catalog',
    (exercise) => {
      for (const file of ['README.md', 'README.en.md', exercise.starter]) {
        expect(readFileSync(path.join(EXERCISES_DIR, exercise.name, file), 'utf8').length).toBeGreaterThan(0)
      }
      expect(selectScenarios(catalog, [exercise.scenario])[0].hosts).toHaveProperty(exercise.host)
    },
  )

  it.concurrent.each(exercises)(
    "$name: the guide's own program passes $scenario",
    { timeout: 90_000 },
    async (exercise) => {
      const [scenario] = selectScenarios(catalog, [exercise.scenario])
      const result = await runScenario(scenario, {
        image: inject('labImage'),
        submissions: { [exercise.host]: path.join(ROOT, exercise.reference) },
      })
      expect(result.checks.filter((c) => !c.passed)).toEqual([])
    },
  )

  // The mistakes the new exercises' statements warn about, each caught by its scenario.
  const FIXTURES = path.join(ROOT, 'test/fixtures/submissions')
  it.each([
    {
      name: '06-mtu',
      file: 'servidor-udp-1024.py',
      failed: "client's 3000-byte datagram crossed the 1280-byte MTU link in IP fragments and arrived whole",
      reason: /server never printed receiving 3000 bytes$/,
    },
    // How often each hears itself is this server's race, not the lab's: once carol has left, the next echo to her
    // closed socket raises in whichever client's thread sends first, and that client is dropped (8 or 2 times).
    {
      name: '07-sala-de-chat',
      file: 'servidor-sala-eco.py',
      failed: 'nobody got its own messages back',
      reason: /^alice heard itself [1-8] times, bob heard itself [1-8] times, carol heard itself [12] times$/,
    },
  ])('$name: $file fails on "$failed"', { timeout: 90_000 }, async ({ name, file, failed, reason }) => {
    const exercise = exercises.find((e) => e.name === name)!
    const [scenario] = selectScenarios(catalog, [exercise.scenario])
    const result = await runScenario(scenario, {
      image: inject('labImage'),
      submissions: { [exercise.host]: path.join(FIXTURES, file) },
    })
    expect(result.checks.find((c) => c.description === failed)).toMatchObject({
      passed: false,
      reason: expect.stringMatching(reason),
    })
  })
})
