// partition-heal through the engine: both implementations, and the seed's unframed server, which takes the
// messages TCP delivers together after the heal for one.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'

const [partitionHeal] = selectScenarios(await loadCatalog(), ['partition-heal'])
const image = inject('labImage')

describe('partition-heal', { timeout: 90_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(partitionHeal, { image, impl })
    expect(result.checks.filter((c) => !c.passed)).toEqual([])
    expect(result.run.hosts.uclient.faultCounters?.partition).toBeGreaterThan(0)
    expect(result.run.hosts.uclient.stderr).toEqual([])
  })

  it('fails on a server that takes each recv for one message: the held-back messages come glued together', async () => {
    const unframed = {
      ...partitionHeal,
      deadlineMs: 15_000,
      hosts: {
        ...partitionHeal.hosts,
        server: { ...partitionHeal.hosts.server, program: 'fixtures/unframed-chat-server' },
      },
    }
    const result = await runScenario(unframed, { image })
    expect(result.status).toBe('failed')
    const failed = Object.fromEntries(result.checks.filter((c) => !c.passed).map((c) => [c.description, c.reason]))
    expect(failed['TCP delivered every message once, in order']).toMatch(
      /^the server got Mensagem [\d–, ]+ of 40 sent; Mensagem [\d–, ]+ came glued to an earlier one in the same recv: TCP is a byte stream, messages need a delimiter$/,
    )
    // the client waits for confirmations the unframed server never sends, until the deadline stops it
    expect(failed['client printed "40 de 40 mensagens confirmadas"']).toMatch(
      /^client never printed it; its last output: "Enviada: Mensagem 38", "Enviada: Mensagem 39", "Enviada: Mensagem 40"$/,
    )
  })
})
