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
  return { io, reporters: await createReporters({ names, output, env, stdout: io.stdout.stream, stderr: io.stderr.stream }) }
}

describe('createReporters', () => {
  it('prints for a person on standard output by default', async () => {
    const { io, reporters } = await choose([])
    reporters.onScenarioEnd(passed)
    await reporters.onRunEnd([passed])
    expect(io.stdout.text()).toContain('✔ tcp-basic passed')
    expect(io.stderr.text()).toBe('')
  })

  it('keeps standard output for the JSON document and moves the person\'s lines to standard error', async () => {
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
    await expect(choose(['html'])).rejects.toThrow('--reporter must be one of terminal, json, junit, github, gradescope, prairielearn, not "html" (see `npm run lab -- --help`)')
    await expect(choose(['json', 'junit'], 'r.xml')).rejects.toThrow('--reporter json and junit would both write one document; choose one per run (see `npm run lab -- --help`)')
    await expect(choose([], 'r.xml')).rejects.toThrow('--output needs --reporter json, junit, gradescope or prairielearn (see `npm run lab -- --help`)')
  })
})
