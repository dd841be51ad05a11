// router-down: the router forwards nothing for 3 s, in both implementations; a chat client that gives up after
// 1 s without an answer (settimeout) instead of letting TCP retransmit fails the TCP checks.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'
import { failedChecks } from './failed-checks.ts'

const [routerDown] = selectScenarios(await loadCatalog(), ['router-down'])
const image = inject('labImage')
const RETRANSMITTED = 'TCP delivered what was sent while the router was down, after it came back (retransmitted)'

describe('router-down', { timeout: 180_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(routerDown, { image, impl })
    expect(failedChecks(result.checks)).toEqual({})
    expect(result.checks.find((c) => c.description === RETRANSMITTED)?.reason).toMatch(
      /^Mensagem \d+–\d+ arrived [\d.]+ m?s to [\d.]+ m?s after the router came back; the server got 40 of 40$/,
    )
    // The outage is judged where the router's sidecar really had it: about 3 s from about 3 s after its start.
    const [window] = result.run.hosts.router.faultWindows ?? []
    expect(window).toMatchObject({ table: 'lab_blackhole_0' })
    expect(window.off! - window.on).toBeGreaterThan(2900)
    expect(window.off! - window.on).toBeLessThan(3500)
    expect(window.on - result.run.hosts.router.startedAt).toBeGreaterThan(2900)
  })

  it('fails when the chat client gives up after 1 s instead of letting TCP retransmit', async () => {
    const client = { ...routerDown.hosts.client, program: 'deadline-chat-client' }
    const result = await runScenario({ ...routerDown, hosts: { ...routerDown.hosts, client } }, { image })
    expect(failedChecks(result.checks)).toEqual({
      'client printed "40 de 40 mensagens confirmadas"': expect.stringMatching(
        /^client never printed it; .*"A conexão expirou: Mensagem \d+ sem resposta em 1 s"$/,
      ),
      [RETRANSMITTED]: expect.stringMatching(
        /^(no message was sent while the router was down|Mensagem .* the server got \d+ of 40$)/,
      ),
    })
  })
})
