// nat: a client behind a masquerading router and a visitor through a port forward, in both implementations;
// without the port forward the visitor cannot connect, and without NAT the server sees the client's own address.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'
import { failedChecks } from './failed-checks.ts'

const [nat] = selectScenarios(await loadCatalog(), ['nat'])
const image = inject('labImage')

describe('nat', { timeout: 180_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(nat, { image, impl })
    expect(failedChecks(result.checks)).toEqual({})
    expect(result.run.hosts.router.addresses?.internet).toMatch(/\.254$/)
  })

  it('fails without the port forward: the visitor is refused', async () => {
    const router = { ...nat.hosts.router, router: { nat: { network: 'internet' } } }
    const result = await runScenario({ ...nat, hosts: { ...nat.hosts, router } }, { image })
    expect(failedChecks(result.checks)).toMatchObject({
      'visitor exited with code 0': expect.stringMatching(/ECONNREFUSED|Connection refused/),
      "web saw visitor's connection come from the visitor's own address": 'web accepted no connection',
    })
  })

  it('fails on a router that forwards without NAT: the server cannot answer the client', async () => {
    const router = { ...nat.hosts.router, router: {} }
    const result = await runScenario({ ...nat, hosts: { ...nat.hosts, router } }, { image })
    expect(result.status).toBe('failed')
    expect(failedChecks(result.checks)).toMatchObject({
      "server saw client's connection come from the router's address on internet": 'server accepted no connection',
    })
  })
})
