// duplicate through the engine, and its failing case: without the fault no copy arrives.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'

const [scenario] = selectScenarios(await loadCatalog(), ['duplicate'])
const image = inject('labImage')

describe('duplicate', { timeout: 120_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(scenario, { image, impl })
    expect(result.checks.filter((c) => !c.passed)).toEqual([])
    expect(result.run.hosts.client.faultCounters?.duplicate).toBeGreaterThan(0)
  })

  it('fails without the fault: no duplicate read, no segment twice on the wire', async () => {
    const result = await runScenario({ ...scenario, faults: [] }, { image })
    expect(Object.fromEntries(result.checks.filter((c) => !c.passed).map((c) => [c.description, c.reason]))).toEqual({
      "the UDP application got about 10 % of the datagrams twice (binomial tolerance, 4.5 σ), every copy the client's sidecar sent":
        '0 duplicates read, 0 copies sent; expected 58 to 142 (a correct lab fails about 1 run in 89 000)',
      'TCP delivered each byte once, although segments arrived twice':
        '0 segments went out twice (0 copies sent); the server read 262144 bytes, SHA-256 equal on both sides (none twice: a correct lab fails about 1 run in 210 000 000)',
    })
  })
})
