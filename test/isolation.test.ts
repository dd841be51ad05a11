// Labs are isolated from the world and from each other. Nothing here sends a packet outside the lab: the probe
// only reads the routing table and asks the kernel where a packet would go (`ip route get`).
import { describe, expect, inject, it } from 'vitest'
import { $ } from 'zx'
import { loadCatalog, selectScenarios } from '../engine/plan/catalog.ts'
import { runPool } from '../engine/tasks/pool.ts'
import { runScenario } from '../engine/runtime/run.ts'
import { FIXTURE_SCENARIOS, labResources, startLab } from './lab-process.ts'

const [isolation] = selectScenarios(await loadCatalog(FIXTURE_SCENARIOS), ['isolation'])
const image = inject('labImage')

describe('isolation', { timeout: 120_000 }, () => {
  it('a lab host has no default route and cannot route to an outside address; two labs at once get their own subnets', async () => {
    const results = await runPool([1, 2], 2, () => runScenario(isolation, { image }))
    const subnets = results.map((result) => {
      expect(result.checks.filter((c) => !c.passed)).toEqual([])
      const lines = result.run.hosts.probe.stdout.map((l) => l.text)
      expect(lines.filter((l) => l.includes('default'))).toEqual([])
      expect(lines).toContain('ip route get 198.51.100.1: RTNETLINK answers: Network is unreachable')
      const routes = lines.filter((l) => l.startsWith('ip route: '))
      expect(routes).toHaveLength(1) // only the lab subnet, on the lab's own interface
      return routes[0].match(/^ip route: (\S+) dev eth0 proto kernel scope link src \S+$/)![1]
    })
    expect(new Set(results.map((r) => r.project)).size).toBe(2)
    expect(new Set(subnets).size).toBe(2)
    expect(await labResources('isolation')).toEqual([])
  })

  it('two `npm run lab tcp-basic` at once both pass, each in its own project, and leave nothing behind', async () => {
    const runs = await Promise.all([1, 2].map(() => startLab(['tcp-basic'], { env: { SOCKET_LAB_SCENARIOS: '' } }).exited))
    const projects = runs.map((run) => {
      expect(run.stdout).toMatch(/✔ tcp-basic passed: 5\/5 checks/)
      expect(run.code).toBe(0)
      return run.stdout.match(/project (socketlab-tcp-basic-\w+)/)![1]
    })
    expect(projects[0]).not.toBe(projects[1])
    for (const project of projects) {
      const left = await $({ quiet: true })`docker ps -aq --filter label=com.docker.compose.project=${project}`
      const networks = await $({ quiet: true })`docker network ls -q --filter label=com.docker.compose.project=${project}`
      expect(left.stdout + networks.stdout).toBe('')
    }
  })
})
