import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createReporters } from './index.ts'
import { passed } from './fixtures/results.ts'

function streams() {
  const make = () => {
    const stream = new PassThrough() as PassThrough & NodeJS.WriteStream
    const chunks: string[] = []
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()))
    return { stream, text: () => chunks.join('') }
  }
  return { stdout: make(), stderr: make() }
}

const choose = async (names: string[], output?: string, env: NodeJS.ProcessEnv = {}) => {
  const io = streams()
  return {
    io,
    reporters: await createReporters({ names, output, env, stdout: io.stdout.stream, stderr: io.stderr.stream }),
  }
}

describe('createReporters', () => {
  it('prints for a person on standard output by default', async () => {
    const { io, reporters } = await choose([])
    reporters.onScenarioEnd(passed)
    await reporters.onRunEnd([passed])
    expect(io.stdout.text()).toContain('✔ tcp-basic passed')
    expect(io.stderr.text()).toBe('')
  })

  it("keeps standard output for the JSON document and moves the person's lines to standard error", async () => {
    const { io, reporters } = await choose(['json'])
    reporters.onNote('lab image ready')
    reporters.onScenarioEnd(passed)
    await reporters.onRunEnd([passed])
    expect(JSON.parse(io.stdout.text()).passed).toBe(true)
    expect(io.stderr.text()).toContain('» lab image ready')
  })

  it('adds GitHub annotations when GITHUB_ACTIONS=true', async () => {
    const { io, reporters } = await choose([], undefined, { GITHUB_ACTIONS: 'true' })
    reporters.onScenarioEnd({ ...passed, status: 'failed', checks: [{ description: 'x', passed: false, reason: 'y' }] })
    expect(io.stdout.text()).toContain('::error file=scenarios/tcp-basic.ts,title=tcp-basic%3A x::y')
  })

  it('refuses unknown reporters, two documents at once, and --output without a document', async () => {
    await expect(choose(['html'])).rejects.toThrow(
      '--reporter must be one of terminal, json, junit, github, gradescope, prairielearn, events, not "html" (see `npm run lab -- --help`)',
    )
    await expect(choose(['json', 'junit'], 'r.xml')).rejects.toThrow(
      '--reporter json and junit would both write one document; choose one per run (see `npm run lab -- --help`)',
    )
    await expect(choose([], 'r.xml')).rejects.toThrow(
      '--output needs --reporter json, junit, gradescope, prairielearn or events (see `npm run lab -- --help`)',
    )
  })
})

describe('whose view', () => {
  const WELCOME = 'client printed "Mensagem do servidor: Bem-vindo ao servidor!"'
  const graded = {
    ...passed,
    scenario: { ...passed.scenario, grading: { [WELCOME]: { points: 4, visibility: 'hidden' as const } } },
  }
  const viewed = async (view: 'student' | 'teacher', names: string[] = []) => {
    const io = streams()
    const reporters = await createReporters({
      names,
      env: {},
      stdout: io.stdout.stream,
      stderr: io.stderr.stream,
      view: { view, afterDue: false },
    })
    reporters.onScenarioEnd(graded)
    await reporters.onRunEnd([graded])
    return io
  }

  it("leaves a hidden check out of every report of the student's view, and counts its points", async () => {
    const terminal = (await viewed('student')).stdout.text()
    expect(terminal).not.toContain('Bem-vindo')
    expect(terminal).toContain('✔ tcp-basic passed: 1/1 checks, 5/5 points (1 check not shown)')
    const json = JSON.parse((await viewed('student', ['json'])).stdout.text()) as {
      scenarios: { checks: { description: string }[] }[]
    }
    expect(json.scenarios[0].checks.map((c) => c.description)).toEqual(['client exited with code 0'])
  })

  it("shows it, marked, in the teacher's view; Gradescope's document always holds it with its visibility", async () => {
    expect((await viewed('teacher')).stdout.text()).toContain(`✔ ${WELCOME} [hidden]`)
    const gradescope = JSON.parse((await viewed('student', ['gradescope'])).stdout.text()) as {
      tests: { name: string; visibility: string }[]
    }
    expect(gradescope.tests.map((t) => [t.name, t.visibility])).toEqual([
      [WELCOME, 'hidden'],
      ['client exited with code 0', 'visible'],
    ])
  })
})
