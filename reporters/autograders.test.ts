// The two autograder formats, checked against their published field lists:
// - Gradescope, "Autograder Specifications", Output format (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
//   top level score, execution_time, output, output_format, test_output_format, test_name_format, visibility,
//   stdout_visibility, extra_data, tests, leaderboard; each test score, max_score, status (passed|failed), name,
//   name_format, number, output, output_format, tags, visibility (hidden|after_due_date|after_published|visible), extra_data.
// - PrairieLearn, docs/externalGrading.md, "Grading results": gradable, score (0.0–1.0, not needed when not gradable),
//   message, output, images, format_errors, tests; each test name, description, points, max_points, message, output, images.
import { describe, expect, it } from 'vitest'
import { checkScenario } from '../engine/judge/checks.ts'
import { hintsFor } from '../engine/judge/hints.ts'
import type { ScenarioResult } from '../engine/model/result.ts'
import { failed, passed } from './fixtures/results.ts'
import { gradescopeResults } from './gradescope.ts'
import { prairielearnResults } from './prairielearn.ts'

const GRADESCOPE = {
  top: [
    'score',
    'execution_time',
    'output',
    'output_format',
    'test_output_format',
    'test_name_format',
    'visibility',
    'stdout_visibility',
    'extra_data',
    'tests',
    'leaderboard',
  ],
  test: [
    'score',
    'max_score',
    'status',
    'name',
    'name_format',
    'number',
    'output',
    'output_format',
    'tags',
    'visibility',
    'extra_data',
  ],
  visibility: ['hidden', 'after_due_date', 'after_published', 'visible'],
  status: ['passed', 'failed'],
}
const PRAIRIELEARN = {
  top: ['gradable', 'score', 'message', 'output', 'images', 'format_errors', 'tests'],
  test: ['name', 'description', 'points', 'max_points', 'message', 'output', 'images'],
}

function expectGradescopeShape(doc: Record<string, unknown>) {
  expect(Object.keys(doc).filter((k) => !GRADESCOPE.top.includes(k))).toEqual([])
  expect(typeof doc.score).toBe('number')
  for (const test of doc.tests as Record<string, unknown>[]) {
    expect(Object.keys(test).filter((k) => !GRADESCOPE.test.includes(k))).toEqual([])
    expect(typeof test.score).toBe('number')
    expect(typeof test.max_score).toBe('number')
    expect(typeof test.name).toBe('string')
    expect(typeof test.output).toBe('string')
    expect(GRADESCOPE.visibility).toContain(test.visibility)
    expect(GRADESCOPE.status).toContain(test.status)
  }
}

function expectPrairieLearnShape(doc: Record<string, unknown>) {
  expect(Object.keys(doc).filter((k) => !PRAIRIELEARN.top.includes(k))).toEqual([])
  expect(typeof doc.gradable).toBe('boolean')
  if (doc.gradable) expect(doc.score).toBeGreaterThanOrEqual(0)
  if (doc.gradable) expect(doc.score).toBeLessThanOrEqual(1)
  for (const test of doc.tests as Record<string, unknown>[]) {
    expect(Object.keys(test).filter((k) => !PRAIRIELEARN.test.includes(k))).toEqual([])
    expect(typeof test.points).toBe('number')
    expect(typeof test.max_points).toBe('number')
  }
}

const WELCOME = 'client printed "Mensagem do servidor: Bem-vindo ao servidor!"'
const weighted: ScenarioResult = {
  ...failed,
  scenario: {
    ...failed.scenario,
    grading: { [WELCOME]: { points: 3, visibility: 'hidden' }, 'the lab ran to the end': { points: 0 } },
  },
}
const student = (
  server: Partial<ScenarioResult['run']['hosts'][string]>,
  hints: ScenarioResult['hints'] = [],
): ScenarioResult => ({
  ...failed,
  submissions: { server: '/e/ana/servidor.py' },
  hints,
  run: { ...failed.run, hosts: { ...failed.run.hosts, server: { ...failed.run.hosts.server, ...server } } },
})

describe('gradescope results.json', () => {
  it('has a test per check with its points, status, output and visibility', () => {
    const doc = gradescopeResults([weighted])
    expectGradescopeShape(doc as unknown as Record<string, unknown>)
    expect(doc.tests.map((t) => [t.name, t.score, t.max_score, t.status, t.visibility])).toEqual([
      ['the lab ran to the end', 0, 0, 'failed', 'visible'],
      [WELCOME, 0, 3, 'failed', 'hidden'],
      ['server printed "Servidor esperando por conexões..."', 1, 1, 'passed', 'visible'],
    ])
    expect(doc.score).toBe(1)
    expect(doc.execution_time).toBe(5)
    expect(doc.tests[1].output).toBe('client never printed it; it printed nothing')
  })

  it('names tests by scenario when a run has several', () => {
    expect(gradescopeResults([passed, failed]).tests.map((t) => t.name.split(':')[0])).toEqual([
      'tcp-basic',
      'tcp-basic',
      'tcp-silent',
      'tcp-silent',
      'tcp-silent',
    ])
  })
})

describe('prairielearn results.json', () => {
  it('scores from 0 to 1 with partial credit and lists only what the student may see', () => {
    const doc = prairielearnResults([weighted])
    expectPrairieLearnShape(doc as unknown as Record<string, unknown>)
    expect(doc).toMatchObject({ gradable: true, score: 0.25 })
    expect(doc.tests.map((t) => [t.name, t.points, t.max_points, t.message])).toEqual([
      ['the lab ran to the end', 0, 0, 'failed'],
      ['server printed "Servidor esperando por conexões..."', 1, 1, 'passed'],
    ])
  })

  it('is not gradable when the lab never started the program, and says why', () => {
    const never = prairielearnResults([
      {
        ...student({ started: false }),
        hints: [{ id: 'x', text: { en: 'The lab did not come up.', 'pt-BR': 'O lab não subiu.' } }],
      },
    ])
    expectPrairieLearnShape(never as unknown as Record<string, unknown>)
    expect(never).toEqual({
      gradable: false,
      message: 'The lab did not come up.\nrandom seed 1234 — rerun with --seed 1234',
      format_errors: ['The lab did not come up.'],
      tests: [],
    })
    expect(prairielearnResults([student({})]).gradable).toBe(true)
  })

  it('grades a program that prints "SyntaxError": what a program prints never decides whether its attempt counts', () => {
    // judged as the engine judges a run, so the hint is the one the syntax-error rule really finds
    const run = {
      ...failed.run,
      hosts: {
        ...failed.run.hosts,
        server: { ...failed.run.hosts.server, exitCode: 1, stderr: [{ atMs: 3, text: 'SyntaxError: invalid syntax' }] },
      },
    }
    const checks = checkScenario(failed.scenario, run)
    const printed: ScenarioResult = {
      ...failed,
      run,
      checks,
      submissions: { server: 'servidor.py' },
      hints: hintsFor(failed.scenario, { run, checks, submitted: ['server'] }),
    }
    expect(printed.hints.map((h) => h.id)).toContain('syntax-error')
    const doc = prairielearnResults([printed])
    expect(doc.gradable).toBe(true)
    expect(doc.score).toBeLessThan(1)
  })
})
