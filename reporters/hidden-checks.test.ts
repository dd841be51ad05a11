// A hidden check's expected text is the teacher's: no report a student reads may quote it, not even a hint that
// explains why the check failed. The result is judged as a run would be (checkScenario, hintsFor), so the hint
// is the one the wrong-text rule really writes.
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { checkScenario } from '../engine/judge/checks.ts'
import { hintsFor } from '../engine/judge/hints.ts'
import type { Visibility } from '../engine/model/points.ts'
import type { ScenarioResult } from '../engine/model/result.ts'
import type { LabRun } from '../engine/model/scenario.ts'
import { failed, tcpBasic } from './fixtures/results.ts'
import { gradescopeResults } from './gradescope.ts'
import { createReporters } from './index.ts'
import { prairielearnResults } from './prairielearn.ts'

const SECRET = 'Mensagem do servidor: Bem-vindo ao servidor!'
const WELCOME = `client printed ${JSON.stringify(SECRET)}`

/** A submitted server whose greeting is almost right: the client prints it, and the welcome check fails. */
function almostRight(visibility: Visibility): ScenarioResult {
  const scenario = { ...tcpBasic, grading: { [WELCOME]: { points: 3, visibility } } }
  const run: LabRun = {
    problems: [],
    hosts: {
      client: {
        host: 'client',
        started: true,
        startedAt: 0,
        exitCode: 0,
        elapsedMs: 120,
        stderr: [],
        stdout: [{ atMs: 111, text: 'Mensagem do servidor: Bem vindo!' }],
      },
      server: { host: 'server', started: true, startedAt: 0, exitCode: null, elapsedMs: 1600, stderr: [], stdout: [] },
    },
  }
  const checks = checkScenario(scenario, run)
  return {
    ...failed,
    scenario,
    checks,
    run,
    submissions: { server: 'servidor.py' },
    hints: hintsFor(scenario, { run, checks, submitted: ['server'] }),
  }
}

/** What the terminal and the JSON document print of `result` in `view`. */
async function printed(result: ScenarioResult, view: 'student' | 'teacher'): Promise<string> {
  const make = () => {
    const stream = new PassThrough() as PassThrough & NodeJS.WriteStream
    let text = ''
    stream.on('data', (chunk: Buffer) => (text += chunk))
    return { stream, text: () => text }
  }
  const [stdout, stderr] = [make(), make()]
  const reporters = await createReporters({
    names: ['json'],
    env: {},
    stdout: stdout.stream,
    stderr: stderr.stream,
    view: { view, afterDue: false },
  })
  reporters.onScenarioEnd(result)
  await reporters.onRunEnd([result])
  return stdout.text() + stderr.text()
}

describe("a hidden check's expected text", () => {
  const hidden = almostRight('hidden')

  it('is quoted by the wrong-text hint for the teacher', async () => {
    expect(hidden.hints.map((h) => h.id)).toEqual(['wrong-text'])
    expect(await printed(hidden, 'teacher')).toContain(SECRET)
  })

  it('reaches no student through the events reporter, whose lines otherwise carry every check', async () => {
    const lines = async (view: 'student' | 'teacher') => {
      const stdout = new PassThrough() as PassThrough & NodeJS.WriteStream
      let text = ''
      stdout.on('data', (chunk: Buffer) => (text += chunk))
      const reporters = await createReporters({
        names: ['events'],
        env: {},
        stdout,
        stderr: new PassThrough() as PassThrough & NodeJS.WriteStream,
        view: { view, afterDue: false },
      })
      for (const check of hidden.checks) reporters.onEvent({ kind: 'check', runId: hidden.runId, check })
      reporters.onEvent({ kind: 'run-ended', runId: hidden.runId, result: hidden })
      await reporters.onRunEnd([hidden])
      return text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { kind: string })
    }
    const teacher = await lines('teacher')
    expect(teacher.map((event) => event.kind)).toEqual([...hidden.checks.map(() => 'check'), 'run-ended'])
    expect(JSON.stringify(teacher)).toContain(SECRET)
    const student = await lines('student')
    expect(student.map((event) => event.kind)).toEqual(['run-ended'])
    expect(student[0]).toMatchObject({ status: 'failed', hints: [{ id: 'wrong-text' }] })
    expect(JSON.stringify(student)).not.toContain(SECRET)
  })

  it("reaches no student: not the student view (terminal, JSON), not Gradescope's output, not PrairieLearn's message", async () => {
    const student = await printed(hidden, 'student')
    expect(student).toContain(
      'The exchange worked, but the text is not the expected one: client printed \\"Mensagem do servidor: Bem vindo!\\"',
    )
    expect(student).not.toContain(SECRET)
    expect(gradescopeResults([hidden]).output).toBe(
      'The exchange worked, but the text is not the expected one: client printed "Mensagem do servidor: Bem vindo!".\n' +
        'random seed 1234 — rerun with --seed 1234',
    )
    expect(prairielearnResults([hidden]).message).not.toContain(SECRET)
    expect(JSON.stringify(prairielearnResults([hidden]))).not.toContain(SECRET)
  })

  it("reaches the student once an after_due_date check is shown, in PrairieLearn; Gradescope's output, shown at any date, never quotes it", () => {
    const later = almostRight('after_due_date')
    expect(prairielearnResults([later], 'en', false).message).not.toContain(SECRET)
    expect(prairielearnResults([later], 'en', true).message).toContain(SECRET)
    expect(gradescopeResults([later]).output).not.toContain(SECRET)
    expect(gradescopeResults([almostRight('visible')]).output).toContain(SECRET)
  })
})
