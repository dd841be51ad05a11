// traceroute: TTL 1, 2, 3 across two routers, in both implementations (Python prints each router, Node sees only
// the server's refusal); when r2 has no route back to the client's network, its answers and the server's are lost
// and the path stops at r1.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'
import { failedChecks } from './failed-checks.ts'

const [traceroute] = selectScenarios(await loadCatalog(), ['traceroute'])
const image = inject('labImage')
const PATH = 'the probes drew ICMP time exceeded from r1, then r2, then port unreachable from server'

describe('traceroute', { timeout: 180_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(traceroute, { image, impl })
    expect(failedChecks(result.checks)).toEqual({})
    expect(result.checks.find((c) => c.description === PATH)?.reason).toBe(
      'ICMP 11/0 from r1, 11/0 from r2, 3/3 from server; probes left with TTL 1, 2, 3',
    )
    const { r1, r2, server, client } = result.run.hosts
    const hops = client.stdout.map((line) => line.text).filter((text) => /^ \d {2}/.test(text))
    const hop = (n: number, address?: string, icmp?: string) =>
      new RegExp(`^ ${n} {2}${address!.replaceAll('.', '\\.')} {2}[\\d.]+ ms {2}\\(${icmp}`)
    if (impl === 'python') {
      expect(hops).toEqual([
        expect.stringMatching(hop(1, r1.addresses?.near, 'ICMP 11/0')),
        expect.stringMatching(hop(2, r2.addresses?.middle, 'ICMP 11/0')),
        expect.stringMatching(hop(3, server.address, 'ICMP 3/3')),
      ])
    } else {
      expect(hops).toEqual([' 1  *', ' 2  *', expect.stringMatching(hop(3, server.address, 'ECONNREFUSED'))])
    }
  })

  it('fails when r2 has no route back to the client: the path stops at r1', async () => {
    const r2 = { ...traceroute.hosts.r2, routes: [] }
    const result = await runScenario({ ...traceroute, hosts: { ...traceroute.hosts, r2 } }, { image })
    expect(failedChecks(result.checks)).toEqual({
      'client printed "Chegou a server em 3 saltos"': expect.stringMatching(/"Não chegou a server em 5 saltos"/),
      'client exited with code 0': expect.stringMatching(/^exited with code 1/),
      [PATH]: 'ICMP 11/0 from r1; probes left with TTL 1, 2, 3, 4, 5',
    })
  })
})
