import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createReporters } from './reporter.ts'
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

const choose = (names: string[], output?: string, env: NodeJS.ProcessEnv = {}) => {
  const io = streams()
  return { io, reporters: createReporters({ names, output, env, stdout: io.stdout.stream, stderr: io.stderr.stream }) }
}

describe('createReporters', () => {
  it('prints for a person on standard output by default', async () => {
    const { io, reporters } = choose([])
    reporters.scenarioFinished(passed)
    await reporters.runFinished([passed])
    expect(io.stdout.text()).toContain('✔ tcp-basic passed')
    expect(io.stderr.text()).toBe('')
  })

  it('keeps standard output for the JSON document and moves the person\'s lines to standard error', async () => {
    const { io, reporters } = choose(['json'])
    reporters.note('lab image ready')
    reporters.scenarioFinished(passed)
    await reporters.runFinished([passed])
    expect(JSON.parse(io.stdout.text()).passed).toBe(true)
    expect(io.stderr.text()).toContain('» lab image ready')
  })

  it('adds GitHub annotations when GITHUB_ACTIONS=true', () => {
    const { io, reporters } = choose([], undefined, { GITHUB_ACTIONS: 'true' })
    reporters.scenarioFinished({ ...passed, passed: false, checks: [{ description: 'x', passed: false, reason: 'y' }] })
    expect(io.stdout.text()).toContain('::error file=scenarios/tcp-basic.ts,title=tcp-basic%3A x::y')
  })

  it('refuses unknown reporters, two documents at once, and --output without a document', () => {
    expect(() => choose(['html'])).toThrow('--reporter must be one of terminal, json, junit, github, not "html" (see `npm run lab -- --help`)')
    expect(() => choose(['json', 'junit'], 'r.xml')).toThrow('--reporter json and junit would both write one document; choose one per run (see `npm run lab -- --help`)')
    expect(() => choose([], 'r.xml')).toThrow('--output needs --reporter json or --reporter junit (see `npm run lab -- --help`)')
  })
})
