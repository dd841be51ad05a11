// routed: two subnets through a router, in both implementations; a client with no route to the server's subnet,
// and a "router" that is no router (both hosts on one network), fail.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'
import { failedChecks } from './failed-checks.ts'

const [routed] = selectScenarios(await loadCatalog(), ['routed'])
const image = inject('labImage')
const ROUTED = "client's packets reached server through router: TTL 1 lower, router's MAC as the source"

describe('routed', { timeout: 180_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(routed, { image, impl })
    expect(failedChecks(result.checks)).toEqual({})
    expect(result.checks.find((c) => c.description === ROUTED)?.reason).toMatch(
      /^TTL 64 at client, 63 at server; source MAC (\S+) at client, (?!\1)\S+ at server \(router's interface on servers\)$/,
    )
    expect(result.run.hosts.router.packets?.map((p) => p.network)).toEqual(
      expect.arrayContaining(['clients', 'servers']),
    )
  })

  it("fails when the client has no route to the server's subnet", async () => {
    const unrouted = { ...routed, hosts: { ...routed.hosts, client: { ...routed.hosts.client, routes: [] } } }
    const result = await runScenario(unrouted, { image })
    expect(result.status).toBe('failed')
    expect(failedChecks(result.checks)).toMatchObject({
      'client exited with code 0': expect.stringMatching(
        /^exited with code 1 after .*: .*(ENETUNREACH|Network is unreachable)/,
      ),
    })
  })

  it('fails when client and server share a network: nothing was routed', async () => {
    const flat = {
      ...routed,
      hosts: { ...routed.hosts, server: { ...routed.hosts.server, networks: ['clients', 'servers'], routes: [] } },
    }
    const result = await runScenario(flat, { image })
    expect(failedChecks(result.checks)).toEqual({
      [ROUTED]: expect.stringMatching(/^TTL 64 at client, 64 at server; .*: the TTL should have gone down by 1$/),
    })
  })
})
