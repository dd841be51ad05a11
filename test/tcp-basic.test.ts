// tcp-basic through the engine, with the reference programs of both implementations and with a broken server.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../engine/plan/catalog.ts'
import type { RunEvent } from '../engine/model/events.ts'
import { runScenario } from '../engine/runtime/run.ts'

const [tcpBasic] = selectScenarios(await loadCatalog(), ['tcp-basic'])
const image = inject('labImage')

describe('tcp-basic', { timeout: 60_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(tcpBasic, { image, impl })
    expect(result.checks.filter((c) => !c.passed)).toEqual([])
    expect(result.run.hosts.server.stdout.map((l) => l.text)).toContainEqual(
      expect.stringMatching(/^Conexão estabelecida com \('[\d.]+', \d+\)$/),
    )
  })

  it("tells its run as events: started, the server listening, each host's lines, checks, the end", async () => {
    const events: RunEvent[] = []
    const result = await runScenario(tcpBasic, { image, onEvent: (event) => events.push(event) })
    expect(new Set(events.map((event) => event.runId))).toEqual(new Set([result.runId]))
    expect(events[0]).toMatchObject({
      kind: 'run-started',
      scenario: 'tcp-basic',
      hosts: ['server', 'client'],
      warm: false,
    })
    expect(events.at(-1)).toEqual({ kind: 'run-ended', runId: result.runId, result })
    expect(events.filter((event) => event.kind === 'socket-listening')).toMatchObject([{ host: 'server', port: 12345 }])
    const lines = events.filter((event) => event.kind === 'line' && event.stream === 'stdout')
    expect(lines).toContainEqual(
      expect.objectContaining({ host: 'client', text: 'Mensagem do servidor: Bem-vindo ao servidor!' }),
    )
    expect(events.filter((event) => event.kind === 'host-ended')).toMatchObject([{ host: 'client', exitCode: 0 }])
    expect(
      events.filter((event) => event.kind === 'check').map((event) => event.kind === 'check' && event.check),
    ).toEqual(result.checks)
    // The server listened before the client's first line.
    const listening = events.findIndex((event) => event.kind === 'socket-listening')
    expect(listening).toBeLessThan(events.findIndex((event) => event.kind === 'check'))
  })

  it('tells each line as it is printed, and every line once', async () => {
    const received: { event: RunEvent; at: number }[] = []
    const silent = {
      ...tcpBasic,
      deadlineMs: 4000,
      hosts: { ...tcpBasic.hosts, server: { ...tcpBasic.hosts.server, program: 'fixtures/silent-server' } },
    }
    const result = await runScenario(silent, { image, onEvent: (event) => received.push({ event, at: Date.now() }) })
    const end = received.find(({ event }) => event.kind === 'run-ended')!.at
    const waiting = received.find(({ event }) => event.kind === 'line' && event.host === 'server')!
    // The server's first line came while the client waited out its 4 s, not once the run was collected.
    expect(end - waiting.at).toBeGreaterThan(2500)
    for (const [host, run] of Object.entries(result.run.hosts)) {
      for (const stream of ['stdout', 'stderr'] as const) {
        const told = received.flatMap(({ event }) =>
          event.kind === 'line' && event.host === host && event.stream === stream ? [event.text] : [],
        )
        expect(told, `${host} ${stream}`).toEqual(run[stream].map((line) => line.text))
      }
    }
  })

  it('fails on a server that never sends the welcome, once the deadline passes', async () => {
    const silent = {
      ...tcpBasic,
      deadlineMs: 4000,
      hosts: { ...tcpBasic.hosts, server: { ...tcpBasic.hosts.server, program: 'fixtures/silent-server' } },
    }
    // The deadline itself: the run would otherwise stop early, as the client waits for what nothing will send.
    const result = await runScenario(silent, { image, stopEarly: false })
    expect(result.status).toBe('failed')
    const failed = Object.fromEntries(result.checks.filter((c) => !c.passed).map((c) => [c.description, c.reason]))
    expect(failed['the lab ran to the end']).toBe('client was still running at the 4 s deadline')
    expect(failed['client printed "Mensagem do servidor: Bem-vindo ao servidor!"']).toBe(
      'client never printed it; it printed nothing',
    )
    expect(failed['client exited with code 0']).toMatch(/^still running after [\d.]+ s$/)
  })
})
