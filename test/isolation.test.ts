// Labs are isolated from the world and from each other. Nothing here sends a packet outside the lab: the probe
// only reads the routing table and asks the kernel where a packet would go (`ip route get`).
import { networkInterfaces } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, inject, it } from 'vitest'
import { $ } from 'zx'
import { loadCatalog, selectScenarios } from '../engine/plan/catalog.ts'
import { runPool } from '../engine/tasks/pool.ts'
import { runScenario } from '../engine/runtime/run.ts'
import { FIXTURE_SCENARIOS, labResources, startLab } from './lab-process.ts'

const [isolation] = selectScenarios(await loadCatalog(FIXTURE_SCENARIOS), ['isolation'])
const image = inject('labImage')

interface Bridge {
  name: string
  inhibit?: string
  ipv4: string[]
}

/** The bridges of the isolation labs on this machine, looked at (by inspection only) while `run` runs. */
function bridgesWhile<T>(run: () => Promise<T>): { results: Promise<T>; seen: Promise<Bridge[]> } {
  const seen = new Map<string, Bridge>()
  let running = true
  const results = run().finally(() => (running = false))
  const look = async () => {
    while (running) {
      const ids = (
        await $({ quiet: true })`docker network ls -q --no-trunc --filter label=socket-lab.scenario=isolation`
      ).stdout
        .split('\n')
        .filter(Boolean)
      for (const id of ids) {
        const name = `br-${id.slice(0, 12)}`
        const addresses = networkInterfaces()[name]
        if (!addresses) continue // not up yet, or gone
        const inspected = await $({
          quiet: true,
          nothrow: true,
        })`docker network inspect -f ${'{{index .Options "com.docker.network.bridge.inhibit_ipv4"}}'} ${id}`
        if (inspected.exitCode !== 0) continue // removed between the listing and now: its lab is being torn down
        const inhibit = inspected.stdout.trim()
        seen.set(name, { name, inhibit, ipv4: addresses.filter((a) => a.family === 'IPv4').map((a) => a.address) })
      }
      await sleep(100)
    }
    return [...seen.values()]
  }
  return { results, seen: look() }
}

describe('isolation', { timeout: 120_000 }, () => {
  it('a lab host has no default route and cannot route to an outside address nor to the gateway; two labs at once get their own subnets', async () => {
    // While the probes wait, the machine's side: the lab's bridge has no IPv4 address (inhibit_ipv4).
    const bridges = bridgesWhile(() => runPool([1, 2], 2, () => runScenario(isolation, { image })))
    const results = await bridges.results
    const subnets = results.map((result) => {
      expect(result.checks.filter((c) => !c.passed)).toEqual([])
      const lines = result.run.hosts.probe.stdout.map((l) => l.text)
      expect(lines.filter((l) => l.includes('default'))).toEqual([])
      expect(lines).toContain('ip route get 198.51.100.1: RTNETLINK answers: Network is unreachable')
      const routes = lines.filter((l) => l.startsWith('ip route: '))
      // the lab subnet, on the lab's own interface, and the gateway, refused
      expect(routes).toHaveLength(2)
      const [, subnet, prefix, last] = routes[0].match(
        /^ip route: ((\d+\.\d+\.\d+\.)(\d+)\/\d+) dev eth0 proto kernel scope link src \S+ *$/,
      )!
      const gateway = `${prefix}${Number(last) + 1}` // Docker's: the subnet's first address
      expect(routes[1]).toBe(`ip route: prohibit ${gateway}`)
      expect(lines).toContain(`ip route get gateway ${gateway}: RTNETLINK answers: Permission denied`)
      return subnet
    })
    const seen = await bridges.seen
    expect(seen.length).toBeGreaterThan(0)
    for (const bridge of seen) expect(bridge).toMatchObject({ inhibit: 'true', ipv4: [] })
    expect(new Set(results.map((r) => r.project)).size).toBe(2)
    expect(new Set(subnets).size).toBe(2)
    expect(await labResources('isolation')).toEqual([])
  })

  it('two `npm run lab tcp-basic` at once both pass, each in its own project, and leave nothing behind', async () => {
    const runs = await Promise.all(
      [1, 2].map(() => startLab(['tcp-basic'], { env: { SOCKET_LAB_SCENARIOS: '' } }).exited),
    )
    const projects = runs.map((run) => {
      expect(run.stdout).toMatch(/✔ tcp-basic passed: 5\/5 checks/)
      expect(run.code).toBe(0)
      return run.stdout.match(/project (socketlab-tcp-basic-\w+)/)![1]
    })
    expect(projects[0]).not.toBe(projects[1])
    for (const project of projects) {
      const left = await $({ quiet: true })`docker ps -aq --filter label=com.docker.compose.project=${project}`
      const networks = await $({
        quiet: true,
      })`docker network ls -q --filter label=com.docker.compose.project=${project}`
      expect(left.stdout + networks.stdout).toBe('')
    }
  })
})
