// timeout-unreachable with both implementations, and with a client that never set a timeout.
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { ROOT } from '../../engine/plan/layout.ts'
import { runScenario } from '../../engine/runtime/run.ts'
import { failedChecks, withProgram } from './broken-program.ts'

const [scenario] = selectScenarios(await loadCatalog(), ['timeout-unreachable'])
const image = inject('labImage')

describe('timeout-unreachable', { timeout: 90_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(scenario, { image, impl })
    expect(result.checks.filter((c) => !c.passed)).toEqual([])
    expect(result.run.hosts.client.stdout.map((l) => l.text)).toEqual(['A conexão expirou.'])
  })

  it('fails on a client without settimeout, which hangs past the deadline', async () => {
    const result = await runScenario(withProgram(scenario, 'client', 'fixtures/no-timeout-client'), { image })
    const failed = failedChecks(result)
    expect(Object.keys(failed)).toEqual([
      'the lab ran to the end',
      'client printed "A conexão expirou."',
      'client exited with code 0',
      'the client gave up 5.0 s after its first SYN (4.5–6.5 s), by its own timeout',
    ])
    expect(failed['the lab ran to the end']).toBe('client was still running at the 20 s deadline')
    expect(failed['client printed "A conexão expirou."']).toBe('client never printed it; it printed nothing')
    expect(failed['the client gave up 5.0 s after its first SYN (4.5–6.5 s), by its own timeout']).toMatch(
      /^the client hung for [\d.]+ s: without settimeout, connect\(\) waits for the kernel's SYN retries \(~2 min\)$/,
    )
  })

  it("gives the no-settimeout hint to exercise 03's starter, which has no timeout yet", async () => {
    const starter = path.join(ROOT, 'exercises/03-timeout/cliente_timeout.py')
    const result = await runScenario(scenario, { image, submissions: { client: starter } })
    expect(result.status).toBe('failed')
    expect(result.hints.map((h) => h.id)).toEqual(['no-settimeout'])
  })
})
