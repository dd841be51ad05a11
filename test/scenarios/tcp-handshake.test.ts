// tcp-handshake with the reference programs of both implementations, and with a client that resets the
// connection instead of closing it.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'
import { failedChecks } from './failed-checks.ts'

const [tcpHandshake] = selectScenarios(await loadCatalog(), ['tcp-handshake'])
const image = inject('labImage')

describe('tcp-handshake', { timeout: 120_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(tcpHandshake, { image, impl })
    expect(failedChecks(result.checks)).toEqual({})
  })

  it('fails on a client that ends the connection with a reset instead of a FIN', async () => {
    const resetting = {
      ...tcpHandshake,
      hosts: { ...tcpHandshake.hosts, client: { ...tcpHandshake.hosts.client, program: 'fixtures/reset-client' } },
    }
    const result = await runScenario(resetting, { image })
    expect(result.status).toBe('failed')
    const failed = failedChecks(result.checks)
    expect(failed['the client closed with a FIN that the other side acknowledged']).toBe('no FIN from the client')
    expect(
      result.run.hosts.server.packets?.some((p) => p.flags?.includes('R') && p.src === result.run.hosts.client.address),
    ).toBe(true)
    // The handshake itself was fine.
    expect(Object.keys(failed).filter((d) => /SYN|ACK of the server/.test(d))).toEqual([])
  })
})
