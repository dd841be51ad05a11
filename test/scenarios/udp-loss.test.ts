// udp-loss through the engine: the configured loss with both implementations, no loss at --param loss=0, and
// the failures a careless client or a missing fault cause.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'
import type { Scenario } from '../../engine/model/scenario.ts'

const [udpLoss] = selectScenarios(await loadCatalog(), ['udp-loss'])
const [noLoss] = selectScenarios(await loadCatalog(undefined, { loss: 0 }), ['udp-loss'])
const image = inject('labImage')
const failedChecks = (checks: { description: string; passed: boolean; reason: string }[]) =>
  Object.fromEntries(checks.filter((c) => !c.passed).map((c) => [c.description, c.reason]))
const withClient = (scenario: Scenario, program: string): Scenario => ({
  ...scenario,
  hosts: { ...scenario.hosts, client: { ...scenario.hosts.client, program } },
})

describe('udp-loss', { timeout: 90_000 }, () => {
  it.each(['ts', 'python'] as const)(
    'passes with the %s reference programs: about 30 percent lost, every datagram accounted for',
    async (impl) => {
      const result = await runScenario(udpLoss, { image, impl })
      expect(result.checks.filter((c) => !c.passed)).toEqual([])
      const [loss] = result.checks.filter((c) => c.description.startsWith('the loss matches'))
      expect(loss.reason).toMatch(
        /^observed [\d.]+ % lost \(\d+\/1000\), expected 30 % ± 6\.5 points \(4\.5 σ; a correct lab fails about 1 run in 160 000\)$/,
      )
    },
  )

  it('loses the same datagrams under the same seed, and others under another', async () => {
    const received = async (seed: number) => {
      const result = await runScenario(udpLoss, { image, seed })
      expect(result.checks.filter((c) => !c.passed)).toEqual([])
      expect(result.seed).toBe(seed)
      return result.run.hosts.server.stdout.flatMap((line) => line.text.match(/^Datagrama (\d+) recebido$/)?.[1] ?? [])
    }
    const first = await received(1234)
    expect(await received(1234)).toEqual(first)
    // Two seeds' 300-odd losses out of 1000 coincide with odds far below 1 in 10^200.
    expect(await received(4321)).not.toEqual(first)
  })

  it('sees nothing lost at --param loss=0', async () => {
    const result = await runScenario(noLoss, { image })
    expect(result.checks.filter((c) => !c.passed)).toEqual([])
    expect(result.checks.find((c) => c.description.startsWith('the loss matches'))?.reason).toBe(
      'observed 0.0 % lost (0/1000), expected 0 % ± 0.0 points (4.5 σ; a correct lab never fails)',
    )
    expect(result.run.hosts.server.stdout.at(-1)?.text).toBe('Fim: o cliente enviou 1000 datagramas, chegaram 1000')
  })

  it('fails when the fault is not applied: the observed rate is far outside the binomial band', async () => {
    const result = await runScenario({ ...udpLoss, faults: [] }, { image })
    expect(result.status).toBe('failed')
    expect(failedChecks(result.checks)).toEqual({
      'the loss matches the configured 30 % (binomial tolerance, 4.5 σ)':
        'observed 0.0 % lost (0/1000), expected 30 % ± 6.5 points (4.5 σ; a correct lab fails about 1 run in 160 000)',
    })
  })

  it('fails on a client that sends duplicates and bad checksums', async () => {
    const result = await runScenario(withClient(noLoss, 'fixtures/udp-careless-client'), { image })
    expect(failedChecks(result.checks)).toEqual({
      'the loss matches the configured 0 % (binomial tolerance, 4.5 σ)':
        'observed 1.0 % lost (10/1000), expected 0 % ± 0.0 points (4.5 σ; a correct lab never fails)',
      'no datagram arrived twice or corrupted': '10 duplicated, 10 corrupted among 1010 that arrived',
      'every datagram either reached the server program or was dropped by the fault':
        '1010 arrived + 0 dropped by the fault = 1010 of 1000',
    })
  })
})
