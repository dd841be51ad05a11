// An exercise folder (exercises/NN-*/exercise.json): which scenario grades it, the host the student's program
// replaces, its starter file, and optionally the points and visibility of the scenario's checks ("checks",
// keyed by check description, see engine/model/points.ts), which are added to the scenario's own.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { errors } from '../model/errors.ts'
import { parseGrading, type Grading } from '../model/points.ts'
import type { Scenario } from '../model/scenario.ts'

export interface Exercise {
  scenario: string
  host: string
  starter: string
  grading: Grading
}

export async function loadExercise(dir: string): Promise<Exercise> {
  const file = path.join(dir, 'exercise.json')
  const text = await readFile(file, 'utf8').catch(() => {
    throw errors.usage(`--exercise ${dir}: no exercise.json in that folder`)
  })
  let data: Record<string, unknown>
  try {
    data = JSON.parse(text) as Record<string, unknown>
  } catch (error) {
    throw errors.badGrading(file, `not valid JSON (${(error as Error).message})`)
  }
  for (const key of ['scenario', 'host', 'starter'])
    if (typeof data[key] !== 'string') throw errors.badGrading(file, `"${key}" must be a string`)
  return {
    scenario: data.scenario as string,
    host: data.host as string,
    starter: data.starter as string,
    grading: parseGrading(data.checks, file),
  }
}

/** The scenario with the exercise's grading over its own. */
export function withGrading(scenario: Scenario, grading: Grading): Scenario {
  return Object.keys(grading).length ? { ...scenario, grading: { ...scenario.grading, ...grading } } : scenario
}
