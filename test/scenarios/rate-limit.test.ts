// rate-limit through the engine: both implementations measure the limited rate, and without the fault the
// same measurement is far too fast, so the check fails with the rate it saw.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'

const [rateLimit] = selectScenarios(await loadCatalog(), ['rate-limit'])
const image = inject('labImage')
const THROUGHPUT = 'throughput within ±20 % of 1.00 Mbit/s'

describe('rate-limit', { timeout: 90_000 }, () => {
  it.each(['ts', 'python'] as const)('measures about 1 Mbit/s with the %s reference programs', async (impl) => {
    const result = await runScenario(rateLimit, { image, impl })
    expect(result.checks.filter((c) => !c.passed)).toEqual([])
    expect(result.checks.find((c) => c.description === THROUGHPUT)?.reason).toMatch(
      /^measured (0\.[89]\d|1\.[01]\d) Mbit\/s \(Vazão: \d+ kbit\/s \(do primeiro ao último byte, [\d.]+ s\)\)$/,
    )
  })

  it('fails when nothing limits the rate, naming the rate it measured', async () => {
    const result = await runScenario({ ...rateLimit, faults: [] }, { image })
    expect(result.status).toBe('failed')
    const failed = result.checks.filter((c) => !c.passed)
    expect(failed.map((c) => c.description)).toEqual([THROUGHPUT])
    expect(failed[0].reason).toMatch(
      /^measured [\d.]+ Mbit\/s \(Vazão: \d+ kbit\/s .*\): faster than the link allows, so nothing limited the rate$/,
    )
    expect(Number(failed[0].reason.match(/^measured ([\d.]+)/)![1])).toBeGreaterThan(1.2)
  })
})
