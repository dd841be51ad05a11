// udp-basic through the engine, with the reference programs of both implementations and with a server that
// never answers.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'

const [udpBasic] = selectScenarios(await loadCatalog(), ['udp-basic'])
const image = inject('labImage')

describe('udp-basic', { timeout: 60_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(udpBasic, { image, impl })
    expect(result.checks.filter((c) => !c.passed)).toEqual([])
    expect(result.run.hosts.server.stdout.map((l) => l.text)).toContainEqual(
      expect.stringMatching(/^Mensagem recebida de \('[\d.]+', \d+\): Olá, servidor UDP!$/),
    )
  })

  it('fails on a server that never answers: the seed client waits in recvfrom until the deadline', async () => {
    const silent = {
      ...udpBasic,
      deadlineMs: 4000,
      hosts: { ...udpBasic.hosts, server: { ...udpBasic.hosts.server, program: 'fixtures/silent-udp-server' } },
    }
    // The deadline itself: the run would otherwise stop early, as the client waits for what nothing will send.
    const result = await runScenario(silent, { image, stopEarly: false })
    expect(result.status).toBe('failed')
    const failed = Object.fromEntries(result.checks.filter((c) => !c.passed).map((c) => [c.description, c.reason]))
    expect(failed['the lab ran to the end']).toBe('client was still running at the 4 s deadline')
    expect(failed['client printed "Resposta do servidor: Mensagem recebida!"']).toBe(
      'client never printed it; it printed nothing',
    )
    expect(failed['the client was not left waiting in recvfrom']).toMatch(
      /^still waiting after [\d.]+ s: no answer came, and the seed's client has no settimeout, so recvfrom waits forever$/,
    )
    expect(failed['on the wire: the greeting, then the answer to the same port, and no TCP handshake']).toBe(
      'client → server "Olá, servidor UDP!"',
    )
    expect(Object.keys(failed)).toHaveLength(5)
  })
})
