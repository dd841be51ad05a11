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
    // exactly one of two outcomes: skipped for want of netem (and saying so), or passed; anything else fails
    const outcome = result.status === 'skipped' ? `skipped: ${result.run.skipped}` : result.status
    expect(outcome, JSON.stringify(result.checks.filter((c) => !c.passed))).toBeOneOf([`skipped: ${NO_NETEM}`, 'passed'])
  })

  it('is reported as skipped by `npm run lab`, which exits 0', async () => {
    const result = await $({ cwd: ROOT, nothrow: true, quiet: true, env: { ...process.env, NO_COLOR: '1' } })`npm run --silent lab -- delay-latency`
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`⊘ delay-latency skipped: ${NO_NETEM} \\(project socketlab-delay-latency-\\w+\\)|✔ delay-latency passed`))
  })
})
