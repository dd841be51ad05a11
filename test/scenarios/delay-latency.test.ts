// delay-latency runs on every kernel: netem where it exists, the sidecar's userspace engine elsewhere (this
// machine has no sch_netem). Forcing netem where it is missing skips the scenario with its reason.
import { afterEach, describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { IMPAIR_ENV } from '../../engine/plan/impair.ts'
import { runScenario } from '../../engine/runtime/run.ts'
import { NO_NETEM } from '../../services/bin/impair.ts'

const [delayLatency] = selectScenarios(await loadCatalog(), ['delay-latency'])
const image = inject('labImage')
const RTT = "the handshake's round trip (SYN to SYN-ACK, seen at the client) took 200 ms (at most 100 ms more)"

describe('delay-latency', { timeout: 90_000 }, () => {
  afterEach(() => {
    delete process.env[IMPAIR_ENV]
  })

  it.each(['ts', 'python'] as const)(
    'passes with the %s reference programs, delayed by the userspace engine',
    async (impl) => {
      process.env[IMPAIR_ENV] = 'userspace'
      const result = await runScenario(delayLatency, { image, impl })
      expect(result.checks.filter((c) => !c.passed)).toEqual([])
      expect(result.checks.find((c) => c.description === RTT)?.reason).toMatch(
        /^SYN-ACK came (2\d\d|300) ms after the SYN$/,
      )
      expect(result.run.hosts.server.impairedBy).toBe('userspace')
      expect(result.run.hosts.server.faultCounters?.delay).toBeGreaterThan(0)
    },
  )

  it('fails without the fault: the round trip is far under 200 ms', async () => {
    const result = await runScenario({ ...delayLatency, faults: [] }, { image })
    expect(result.status).toBe('failed')
    expect(result.checks.find((c) => c.description === RTT)).toMatchObject({
      passed: false,
      reason: expect.stringMatching(/^SYN-ACK came \d+ ms after the SYN$/),
    })
  })

  it('uses netem when forced, or is skipped with the reason where the kernel lacks it', async () => {
    process.env[IMPAIR_ENV] = 'netem'
    const result = await runScenario(delayLatency, { image })
    if (result.status === 'skipped') expect(result.run.skipped).toBe(NO_NETEM)
    else expect([result.status, result.run.hosts.server.impairedBy]).toEqual(['passed', 'netem'])
  })
})
