// host-unreachable with both implementations, and with a client that calls every failure a timeout.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'
import { failedChecks, withProgram } from './broken-program.ts'

const [scenario] = selectScenarios(await loadCatalog(), ['host-unreachable'])
const image = inject('labImage')

describe('host-unreachable', { timeout: 60_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(scenario, { image, impl })
    expect(result.checks.filter((c) => !c.passed)).toEqual([])
  })

  it('fails on a client that reports no route to host as a timeout', async () => {
    const result = await runScenario(withProgram(scenario, 'client', 'fixtures/catch-all-client'), { image })
    expect(failedChecks(result)).toEqual({
      'client printed "Erro de socket: [Errno 113] No route to host"':
        'client never printed it; its last output: "A conexão expirou."',
      'the client reported no route once ARP gave up (~3 s), before its 5 s timeout':
        'it printed "A conexão expirou.": the kernel said no route to host, that is not a timeout',
    })
  })
})
