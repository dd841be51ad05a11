// stream-framing with the reference programs of both implementations, and with the seed's single recv in
// place of the receive loop.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'
import { failedChecks } from './failed-checks.ts'

const [streamFraming] = selectScenarios(await loadCatalog(), ['stream-framing'])
const image = inject('labImage')

describe('stream-framing', { timeout: 120_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(streamFraming, { image, impl })
    expect(failedChecks(result.checks)).toEqual({})
    expect(result.run.hosts.client.stdout.map((l) => l.text)).toContain(
      'loop-server: 65536 bytes enviados; o servidor fechou a conexão',
    )
  })

  it('fails when the second server also reads with a single recv(1024)', async () => {
    const single = {
      ...streamFraming,
      hosts: {
        ...streamFraming.hosts,
        'loop-server': { ...streamFraming.hosts['loop-server'], program: 'recv-once-server' },
      },
    }
    const result = await runScenario(single, { image })
    expect(result.status).toBe('failed')
    expect(failedChecks(result.checks)).toEqual({
      'the receive loop got all 65536 bytes': expect.stringMatching(
        /^it got (\d|[1-9]\d{1,2}|10[01]\d|102[0-4]) bytes: TCP is a byte stream, not messages; one recv returns what has arrived \(up to its size\), so read in a loop until recv returns nothing \(the client closed\)$/,
      ),
      'the bytes arrived intact': expect.stringMatching(/^SHA-256 sent [0-9a-f]{16}…, received none…$/),
    })
  })
})
