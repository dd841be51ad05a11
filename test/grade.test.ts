// Grading a student's own program: real containers running the submissions in test/fixtures/submissions.
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../engine/plan/catalog.ts'
import { runScenario } from '../engine/runtime/run.ts'
import { ROOT } from '../engine/plan/layout.ts'

const [tcpBasic] = selectScenarios(await loadCatalog(), ['tcp-basic'])
const image = inject('labImage')
const submission = (name: string) => path.join(ROOT, 'test/fixtures/submissions', name)
const grade = (server: string, deadlineMs = tcpBasic.deadlineMs) =>
  runScenario({ ...tcpBasic, deadlineMs }, { image, submissions: { server: submission(server) } })
const failedChecks = (result: Awaited<ReturnType<typeof grade>>) =>
  Object.fromEntries(result.checks.filter((c) => !c.passed).map((c) => [c.description, c.reason]))

describe.concurrent('grading a submitted server with tcp-basic', { timeout: 90_000 }, () => {
  it('passes a correct Python server', async () => {
    const result = await grade('servidor-ok.py')
    expect(failedChecks(result)).toEqual({})
    expect(result.hints).toEqual([])
  })

  it('passes a correct Node server', async () => {
    const result = await grade('servidor.mjs')
    expect(failedChecks(result)).toEqual({})
  })

  it("fails the seed's server bound to localhost, naming the localhost bind", async () => {
    const result = await grade('servidor-localhost.py')
    expect(result.status).toBe('failed')
    expect(result.hints.map((h) => h.id)).toEqual(['bound-to-localhost'])
    expect(result.run.hosts.server.listening).toContain('127.0.0.1:12345/tcp')
    expect(failedChecks(result)['client exited with code 0']).toMatch(
      /^exited with code 1 after [\d.]+ m?s: Error: connect ECONNREFUSED [\d.]+:12345$/,
    )
  })

  it('fails a server that never sends the welcome, as soon as both sides wait, with that hint', async () => {
    const result = await grade('servidor-sem-boas-vindas.py')
    expect(result.run.problems.map((problem) => problem.kind)).toEqual(['stalled'])
    expect(result.run.hosts.client.elapsedMs).toBeLessThan(10_000)
    expect(result.hints.map((h) => h.id)).toEqual(['no-welcome'])
    expect(result.hints[0].text['pt-BR']).toContain('envie "Bem-vindo ao servidor!"')
  })

  it('fails a server with a syntax error, showing the error', async () => {
    const result = await grade('servidor-sintaxe.py')
    expect(failedChecks(result)['server kept serving until the end']).toMatch(
      /^exited with code 1 after [\d.]+ m?s: SyntaxError: expected ':'$/,
    )
    expect(result.hints[0].text.en).toBe(
      "Your program never ran: a syntax error (SyntaxError: expected ':'). Fix the line the error points to.",
    )
    expect(result.run.hosts.server.stderr.map((l) => l.text)).toContain('    while True')
  })

  it('cuts a server that floods its output, and grades it', async () => {
    const result = await grade('servidor-flood.py')
    expect(result.status).toBe('failed')
    expect(result.run.hosts.server.outputCut).toBe(true)
    expect(result.run.hosts.server.exitCode).toBe(137)
    const printed = result.run.hosts.server.stdout.reduce((bytes, line) => bytes + Buffer.byteLength(line.text) + 1, 0)
    expect(printed).toBeLessThanOrEqual(1024 * 1024 + 1)
    expect(result.hints.map((h) => h.id)).toEqual(['output-flood'])
  })

  it('does not believe a program that prints the output cut mark itself', async () => {
    const result = await grade('servidor-corte-falso.py')
    expect(result.run.hosts.server.outputCut).toBe(false)
    expect(result.run.hosts.server.stderr.map((line) => line.text)).toContain(
      'lab-run: output cut after 1048576 bytes; the program was stopped',
    )
    expect(result.status).toBe('passed')
    expect(result.hints).toEqual([])
  })

  it('fails a server on the wrong port as soon as its sidecar saw it listen elsewhere, naming the port it chose', async () => {
    const result = await grade('servidor-porta-errada.py')
    expect(result.hints[0]?.text.en).toBe(
      'The server listens on port 5000, but the exercise uses port 12345 (LAB_PORT).',
    )
    // the sidecar's port-elsewhere event ended the wait, not the 20 s listen deadline ("was not listening … after 20 s")
    expect(result.run.problems[0]).toEqual({
      kind: 'wrong-port',
      host: 'server',
      text: 'server listens on 0.0.0.0:5000/tcp, not on port 12345',
    })
  })
})

describe.concurrent('hints of other scenarios', { timeout: 90_000 }, () => {
  const catalog = loadCatalog()

  it('names a single recv when the submitted receive loop got only part of the stream', async () => {
    const [streamFraming] = selectScenarios(await catalog, ['stream-framing'])
    const result = await runScenario(streamFraming, {
      image,
      submissions: { 'loop-server': path.join(ROOT, 'services/programs/python/recv-once-server.py') },
    })
    expect(result.status).toBe('failed')
    expect(result.hints.map((h) => h.id)).toEqual(['single-recv'])
    expect(result.hints[0].text.en).toMatch(
      /^Your server got \d+ of 65536 bytes: one recv\(1024\) reads at most 1024 bytes/,
    )
  })

  it('names a chat server that never leaves its loop when the client closes', async () => {
    const [chat] = selectScenarios(await catalog, ['chat-persistent'])
    const result = await runScenario(
      { ...chat, deadlineMs: 8000 },
      { image, submissions: { server: submission('servidor-chat-sem-fim.py') } },
    )
    expect(result.status).toBe('failed')
    expect(result.hints.map((h) => h.id)).toEqual(['never-closed'])
    expect(result.run.hosts.client.exitCode).toBe(0)
  })
})
