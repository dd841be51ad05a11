// multi-client with the seed's iterative server in both implementations, and with a server that serves its
// clients concurrently.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'
import { failedChecks } from './failed-checks.ts'

const [multiClient] = selectScenarios(await loadCatalog(), ['multi-client'])
const image = inject('labImage')

describe('multi-client', { timeout: 180_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(multiClient, { image, impl })
    expect(failedChecks(result.checks)).toEqual({})
    const served = result.checks.find((c) => c.description === 'the server served all 8 clients')
    expect(served?.reason).toMatch(
      /^served 8 of 8, in this order: (client[1-8], ){7}client[1-8]; at most [0-7] waited in the listen queue at once/,
    )
    expect(served?.details).toHaveLength(8)
  })

  it('fails on a server that serves its clients concurrently', async () => {
    const concurrent = {
      ...multiClient,
      hosts: { ...multiClient.hosts, server: { ...multiClient.hosts.server, program: 'fixtures/concurrent-server' } },
    }
    const result = await runScenario(concurrent, { image })
    expect(result.status).toBe('failed')
    expect(failedChecks(result.checks)).toEqual({
      'the server served them one at a time': expect.stringMatching(
        /^client[1-8] was accepted while client[1-8] was being served: the server's output interleaves clients, so it did not serve them one at a time$/,
      ),
    })
  })
})
