// bind-localhost with the seed's localhost server in both implementations, and with the 0.0.0.0 server in its
// place, where the lesson's premise (a remote client is refused) no longer holds.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'
import { failedChecks } from './failed-checks.ts'

const [bindLocalhost] = selectScenarios(await loadCatalog(), ['bind-localhost'])
const image = inject('labImage')

describe('bind-localhost', { timeout: 120_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(bindLocalhost, { image, impl })
    expect(failedChecks(result.checks)).toEqual({})
    expect(result.checks.at(-1)?.reason).toMatch(
      /^client exited with code 1: .*(ECONNREFUSED|Connection refused).*; the server listens on 127\.0\.0\.1:12345\/tcp: bind/,
    )
    expect(
      result.run.hosts.server.packets?.some((p) => p.flags?.includes('R') && p.dst === result.run.hosts.client.address),
    ).toBe(true)
  })

  it('fails when the server binds 0.0.0.0: the client on another host connects', async () => {
    const open = {
      ...bindLocalhost,
      hosts: { ...bindLocalhost.hosts, server: { ...bindLocalhost.hosts.server, program: 'tcp-server' } },
    }
    const result = await runScenario(open, { image })
    expect(result.status).toBe('failed')
    expect(failedChecks(result.checks)).toEqual({
      'client exited with code 1': expect.stringMatching(/^exited with code 0 after [\d.]+ m?s$/),
      'a client on another host is refused':
        'client connected from another host and printed "Mensagem do servidor: Bem-vindo ao servidor!": the server is reachable from other hosts (the server listens on 0.0.0.0:12345/tcp), so the lesson\'s premise, a localhost server refusing them, does not hold',
    })
  })
})
