// The GitHub Classroom template of exercise 01 agrees with its exercise.json: one test per check that is worth
// points, each awarding those points, in the workflow and in autograding.json alike; and its check script passes
// a test exactly when the lab's check passed, without naming a hidden one.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { load } from 'js-yaml'
import { expect, it } from 'vitest'
import { ROOT } from '../../engine/plan/layout.ts'

const EXERCISE = path.join(ROOT, 'exercises/01-tcp-cliente-servidor')
const CLASSROOM = path.join(EXERCISE, 'classroom')
/** The check a test's command asks about: the last single-quoted argument of check.mjs. */
const checkOf = (command: string) => command.match(/check\.mjs "\$RUNNER_TEMP\/lab\.json" '(.+)'$/)?.[1]

const exercise = JSON.parse(await readFile(path.join(EXERCISE, 'exercise.json'), 'utf8')) as {
  checks: Record<string, { points?: number; visibility?: string }>
}
const worth = Object.fromEntries(
  Object.entries(exercise.checks)
    .map(([name, c]) => [name, c.points ?? 1])
    .filter(([, points]) => points !== 0),
)

it('autograding.json has one test per check worth points, with those points, hidden ones unnamed', async () => {
  const { tests } = JSON.parse(await readFile(path.join(CLASSROOM, '.github/classroom/autograding.json'), 'utf8')) as {
    tests: { name: string; run: string; points: number }[]
  }
  expect(Object.fromEntries(tests.map((t) => [checkOf(t.run), t.points]))).toEqual(worth)
  for (const test of tests)
    expect(test.name.startsWith('hidden check')).toBe(
      exercise.checks[checkOf(test.run)!].visibility !== undefined &&
        exercise.checks[checkOf(test.run)!].visibility !== 'visible',
    )
})

it('the workflow runs the same tests with the same points, and reports every one of them', async () => {
  const workflow = load(await readFile(path.join(CLASSROOM, '.github/workflows/classroom.yml'), 'utf8')) as {
    jobs: Record<string, { steps: { id?: string; uses?: string; with?: Record<string, string | number> }[] }>
  }
  const steps = Object.values(workflow.jobs)[0].steps
  const graders = steps.filter((s) => s.uses?.startsWith('classroom-resources/autograding-command-grader'))
  expect(
    Object.fromEntries(graders.map((s) => [checkOf(String(s.with!.command)), Number(s.with!['max-score'])])),
  ).toEqual(worth)
  const reporter = steps.find((s) => s.uses?.startsWith('classroom-resources/autograding-grading-reporter'))!
  expect(String(reporter.with!.runners).split(',')).toEqual(graders.map((s) => s.id))
})

it('check.mjs passes a passed check, fails a failed one, and never names a hidden one', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-classroom-'))
  try {
    const results = path.join(dir, 'lab.json')
    await writeFile(
      results,
      JSON.stringify({
        tests: [
          {
            name: 'client exited with code 0',
            status: 'passed',
            output: 'exited with code 0 after 120 ms',
            visibility: 'visible',
            score: 1,
            max_score: 1,
          },
          {
            name: 'server kept serving until the end',
            status: 'failed',
            output: 'exited with code 1',
            visibility: 'after_due_date',
            score: 0,
            max_score: 2,
          },
        ],
      }),
    )
    const check = (name: string) =>
      promisify(execFile)(process.execPath, [path.join(CLASSROOM, 'check.mjs'), results, name]).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
      )
    await expect(check('client exited with code 0')).resolves.toEqual({
      code: 0,
      out: '✔ client exited with code 0: exited with code 0 after 120 ms\n',
    })
    await expect(check('server kept serving until the end')).resolves.toEqual({ code: 1, out: '✘ hidden check\n' })
    await expect(check('no such check')).resolves.toMatchObject({ code: 1 })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
