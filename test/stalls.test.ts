// Verdicts as soon as the outcome is known (engine/runtime/stalls.ts), on real labs: a run whose programs all wait
// for what nothing will send stops after a couple of seconds with the evidence and the hint a deadline would give;
// a run whose programs still have a timer before the deadline (a slow server, a socket's own receive timeout) is
// waited for. The times asserted are the protocol's (a 20 s deadline against a stop at about 2 s of quiet).
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { $ } from 'zx'
import { loadCatalog, selectScenarios } from '../engine/plan/catalog.ts'
import { ROOT } from '../engine/plan/layout.ts'
import { runScenario } from '../engine/runtime/run.ts'
import { LabPool } from '../engine/tasks/lab-pool.ts'

const image = inject('labImage')
const catalog = await loadCatalog()
const run = (id: string, submissions: Record<string, string>) =>
  runScenario(selectScenarios(catalog, [id])[0], {
    image,
    submissions: Object.fromEntries(
      Object.entries(submissions).map(([host, file]) => [host, path.join(ROOT, 'test/fixtures/submissions', file)]),
    ),
  })
const clientMs = (result: Awaited<ReturnType<typeof run>>) => result.run.hosts.client.elapsedMs

describe.concurrent('a run judged as soon as nothing can change (stalls)', { timeout: 90_000 }, () => {
  it('a server that never accepts: stopped with the evidence, the hint kept', async () => {
    const result = await run('tcp-basic', { server: 'servidor-trava.py' })
    expect(result.status).toBe('failed')
    const stalled = result.run.problems.filter((problem) => problem.kind === 'stalled')
    expect(stalled.map((problem) => problem.host)).toEqual(['client'])
    expect(stalled[0].text).toMatch(/server in clock_nanosleep; client in epoll_pwait.*20 s deadline/)
    expect(clientMs(result)).toBeLessThan(10_000)
    expect(result.hints.map((hint) => hint.id)).toContain('no-welcome')
  })

  it('a UDP server that never answers: both wait in recvfrom, stopped, the hint kept', async () => {
    const result = await run('udp-basic', { server: 'servidor-udp-mudo.py' })
    expect(result.run.problems.map((problem) => problem.kind)).toEqual(['stalled'])
    expect(clientMs(result)).toBeLessThan(10_000)
    expect(result.hints).not.toEqual([])
    expect(result.hints[0].text.en).toContain('sent no answer')
  })

  it('a UDP client that sends to itself: stopped, the hint kept', async () => {
    const result = await run('udp-basic', { client: 'cliente-udp-localhost.py' })
    expect(result.run.problems.map((problem) => problem.kind)).toEqual(['stalled'])
    expect(result.run.problems[0].text).toContain('client in recvfrom')
    expect(clientMs(result)).toBeLessThan(10_000)
    expect(result.hints.map((hint) => hint.id)).toEqual(['client-wrong-host'])
  })

  it('a UDP server that exits without answering: its client is stopped, the server counted as ended', async () => {
    const result = await run('udp-basic', { server: 'servidor-udp-sai.py' })
    expect(result.run.problems.map((problem) => problem.kind)).toEqual(['stalled'])
    expect(result.run.problems[0].text).toContain('server (ended); client in epoll_pwait')
    expect(clientMs(result)).toBeLessThan(10_000)
  })

  it('a server that sleeps 3 s before its welcome is waited for, and passes', async () => {
    const result = await run('tcp-basic', { server: 'servidor-lento.py' })
    expect(result.run.problems).toEqual([])
    expect(result.status).toBe('passed')
    expect(clientMs(result)).toBeGreaterThan(2900)
  })

  it('a client whose socket has its own receive timeout is not judged early: its timeout ends its wait', async () => {
    const result = await run('tcp-basic', { server: 'servidor-trava.py', client: 'cliente-rcvtimeo.py' })
    expect(result.run.problems.filter((problem) => problem.kind === 'stalled')).toEqual([])
    expect(result.run.hosts.client.stdout.map((line) => line.text)).toContain('Tempo esgotado esperando o servidor')
    expect(result.run.hosts.client.exitCode).toBe(0)
  })

  it('a watcher that has not seen its program yet never says it is gone (its limiter may still be starting)', async () => {
    // No process of `lab` but the watcher itself, for its whole 4 s lifetime: nothing is proven, so it stays busy.
    const watched = await $({
      quiet: true,
    })`docker run --rm --network none --user lab --entrypoint python3 ${image} /usr/local/bin/lab-stall.py 4`
    const states = watched.stdout
      .split('\n')
      .filter((line) => line.startsWith('lab-stall '))
      .map((line) => JSON.parse(line.slice('lab-stall '.length)).state)
    expect(states).toContain('busy')
    expect(states).not.toContain('gone')
  })

  it('in a pooled lab too: a UDP server that exits at once is counted as ended, and its client stopped early', async () => {
    // A pooled lab's container stays when its program ends: the program's own end, not the container's, says so.
    const [udpBasic] = selectScenarios(catalog, ['udp-basic'])
    const pool = LabPool.for(udpBasic, { image, impl: 'python', size: 1, note: () => undefined })!
    try {
      const submissions = { server: path.join(ROOT, 'test/fixtures/submissions/servidor-udp-sai.py') }
      await pool.run(submissions) // the first brings the lab up
      const result = await pool.run(submissions)
      expect(result.run.problems.map((problem) => problem.kind)).toEqual(['stalled'])
      expect(result.run.problems[0].text).toContain('server (ended); client in ')
      expect(clientMs(result)).toBeLessThan(10_000)
    } finally {
      expect(await pool.close()).toEqual([])
    }
  })
})
