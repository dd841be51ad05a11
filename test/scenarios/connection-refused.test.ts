// connection-refused with both implementations, and with a client that calls every failure a timeout.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'
import { failedChecks, withProgram } from './broken-program.ts'

const [scenario] = selectScenarios(await loadCatalog(), ['connection-refused'])
const image = inject('labImage')

describe('connection-refused', { timeout: 60_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(scenario, { image, impl })
    expect(result.checks.filter((c) => !c.passed)).toEqual([])
  })

  it('fails on a client that reports a refusal as a timeout', async () => {
    const result = await runScenario(withProgram(scenario, 'client', 'fixtures/catch-all-client'), { image })
    expect(failedChecks(result)).toEqual({
      'client printed "Erro de socket: [Errno 111] Connection refused"':
        'client never printed it; its last output: "A conexão expirou."',
      'the client reported the refusal in under 1 s, not after its 5 s timeout':
        'it printed "A conexão expirou.": a refusal is not a timeout, the RST said so at once',
    })
  })
})
