// A pool of warm labs for many runs of one scenario (engine/tasks/lab-pool.ts): runs after the first reuse the
// lab, their verdicts are a cold run's, and a hostile student (a double-forked daemon on the port, files left in
// /tmp and /dev/shm, /tmp filled, a detached child) leaves nothing the next student can see.
import path from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import type { ScenarioResult } from '../engine/model/result.ts'
import { loadCatalog, selectScenarios } from '../engine/plan/catalog.ts'
import { ROOT } from '../engine/plan/layout.ts'
import { findLeftovers } from '../engine/runtime/docker.ts'
import { runScenario } from '../engine/runtime/run.ts'
import { LabPool } from '../engine/tasks/lab-pool.ts'

const image = inject('labImage')
const [tcpBasic] = selectScenarios(await loadCatalog(), ['tcp-basic'])
const fixture = (name: string) => path.join(ROOT, 'test/fixtures/submissions', name)
const notes: string[] = []
const pool = LabPool.for(tcpBasic, { image, impl: 'python', size: 1, note: (line) => notes.push(line) })!
/** What a verdict is made of: its status, each check's outcome, the hints. */
const verdict = (result: ScenarioResult) => ({
  status: result.status,
  checks: result.checks.map((check) => `${check.passed ? '✔' : '✘'} ${check.description}`),
  hints: result.hints.map((hint) => hint.id),
})

afterAll(async () => {
  expect(await pool.close()).toEqual([])
})

describe('a pool of warm labs (tcp-basic, one lab)', { timeout: 240_000 }, () => {
  it("gives every fixture the cold run's verdict, in one lab brought up once", async () => {
    const students = [
      'servidor-ok.py',
      'servidor-localhost.py',
      'servidor-sem-boas-vindas.py',
      'servidor-sintaxe.py',
      'servidor-porta-errada.py',
      'servidor-ok.py',
    ]
    const pooled: ScenarioResult[] = []
    for (const student of students) pooled.push(await pool.run({ server: fixture(student) }))
    const cold = await Promise.all(
      students
        .slice(0, -1)
        .map((student) => runScenario(tcpBasic, { image, impl: 'python', submissions: { server: fixture(student) } })),
    )
    expect(pooled.slice(0, -1).map(verdict)).toEqual(cold.map(verdict))
    expect(pooled.at(-1)!.status).toBe('passed')
    // One lab served them all: the same compose project each time.
    expect(new Set(pooled.map((result) => result.project)).size).toBe(1)
    expect(notes).toEqual([])
  })

  it('leaves the next student nothing of a hostile one: no daemon on the port, no file, no process', async () => {
    // Its own verdict is its own (its daemon takes some connections, and closes them): only the next one's matters.
    const hostile = await pool.run({ server: fixture('servidor-daemon-porta.py') })
    expect(hostile.run.hosts.server.stdout.map((line) => line.text)).toContain('Servidor esperando por conexões...')
    const filler = await pool.run({ server: fixture('servidor-tmp-cheio.py') })
    expect(filler.status).toBe('failed')
    await pool.run({ server: fixture('servidor-filho-detached.py') })
    const next = await pool.run({ server: fixture('servidor-le-segredo.py') })
    expect(next.run.hosts.server.stderr.map((line) => line.text)).toContain('achei: nada; processos do lab: 0')
    expect(verdict(next)).toEqual(
      verdict(
        await runScenario(tcpBasic, {
          image,
          impl: 'python',
          submissions: { server: fixture('servidor-le-segredo.py') },
        }),
      ),
    )
    expect(new Set([hostile, filler, next].map((result) => result.project)).size).toBe(1)
    expect(notes).toEqual([])
  })

  it('takes its labs down when closed, and leaves nothing behind', async () => {
    const { runId } = await pool.run({ server: fixture('servidor-ok.py') })
    expect(await pool.close()).toEqual([])
    expect(await findLeftovers({ runId })).toEqual([])
  })
})
