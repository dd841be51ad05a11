// burst-loss through the engine, and its failing case: the same share of loss, but independent (nftables'
// random loss), gives bursts of about one datagram, far from the model's four.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'

const [scenario] = selectScenarios(await loadCatalog(), ['burst-loss'])
const image = inject('labImage')
const BURSTS =
  'the losses came in bursts of 4 on average: of the lost datagrams, about 25 % ended a burst (binomial, 4.5 σ)'

describe('burst-loss', { timeout: 120_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(scenario, { image, impl })
    expect(result.checks.filter((c) => !c.passed)).toEqual([])
  })

  it('fails on independent loss of the same average share (17 %): the bursts are too short', async () => {
    // On the server's way in: nftables dropping on the client's way out would fail its sendto with EPERM.
    const result = await runScenario(
      { ...scenario, faults: [{ kind: 'loss', host: 'server', percent: 17, protocol: 'udp', direction: 'in' }] },
      { image },
    )
    const bursts = result.checks.find((c) => c.description === BURSTS)
    expect(bursts?.passed).toBe(false)
    expect(bursts?.reason).toMatch(/ in \d+ bursts \(mean 1\.\d\d, /)
  })
})
