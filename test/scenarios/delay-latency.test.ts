// delay-latency needs sch_netem. Where the kernel lacks it (as on the lab's CI machine) the scenario is skipped,
// not failed, and says why; where netem exists it is judged like any other.
import { describe, expect, inject, it } from 'vitest'
import { $ } from 'zx'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { ROOT } from '../../engine/plan/layout.ts'
import { runScenario } from '../../engine/runtime/run.ts'

const [delayLatency] = selectScenarios(await loadCatalog(), ['delay-latency'])
const image = inject('labImage')
const NO_NETEM = 'this kernel has no sch_netem, so delay and jitter cannot be applied'

describe('delay-latency', { timeout: 90_000 }, () => {
  it.each(['ts', 'python'] as const)('is skipped without netem, and passes with it (%s)', async (impl) => {
    const result = await runScenario(delayLatency, { image, impl })
    if (result.status === 'skipped') {
      expect(result.run.skipped).toBe(NO_NETEM)
      expect(result.status).toBe('failed')
    } else {
      expect(result.checks.filter((c) => !c.passed)).toEqual([])
    }
  })

  it('is reported as skipped by `npm run lab`, which exits 0', async () => {
    const result = await $({ cwd: ROOT, nothrow: true, quiet: true, env: { ...process.env, NO_COLOR: '1' } })`npm run --silent lab -- delay-latency`
    expect(result.exitCode).toBe(0)
    if (result.stdout.includes('skipped')) expect(result.stdout).toMatch(new RegExp(`⊘ delay-latency skipped: ${NO_NETEM} \\(project socketlab-delay-latency-\\w+\\)`))
    else expect(result.stdout).toMatch(/✔ delay-latency passed/)
  })
})
