// jitter-reorder through the engine (the userspace engine here: this kernel has no netem), and its failing case:
// without the faults nothing goes ahead and nothing arrives out of order.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'

const [scenario] = selectScenarios(await loadCatalog(), ['jitter-reorder'])
const image = inject('labImage')
const failed = (checks: { description: string; passed: boolean; reason: string }[]) =>
  checks.filter((c) => !c.passed).map((c) => c.description)

describe('jitter-reorder', { timeout: 120_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(scenario, { image, impl })
    expect(result.checks.filter((c) => !c.passed)).toEqual([])
    expect(result.run.hosts.client.impairedBy).toBeDefined()
  })

  it('fails without the faults: nothing went ahead, nothing out of order', async () => {
    const result = await runScenario({ ...scenario, faults: [] }, { image })
    expect(failed(result.checks)).toEqual([
      'about 25 % of the datagrams went ahead of the delayed ones (binomial tolerance, 4.5 σ)',
      'the datagrams reached the server out of order, and its application read them out of order',
      'TCP delivered the stream whole and in order, after out-of-order segments and duplicate ACKs on the wire',
    ])
  })
})
