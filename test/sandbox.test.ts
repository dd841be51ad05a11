// Hostile and unusual submissions against the sandbox of a program container: real containers, each attack
// asserting that nothing got through.
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../engine/catalog.ts'
import { ROOT } from '../engine/layout.ts'
import { runScenario } from '../engine/run.ts'
import type { Scenario } from '../engine/scenario.ts'

const catalog = await loadCatalog()
const [tcpBasic, udpBasic] = selectScenarios(catalog, ['tcp-basic', 'udp-basic'])
const image = inject('labImage')
const submission = (name: string) => path.join(ROOT, 'test/fixtures/submissions', name)
const grade = (scenario: Scenario, server: string, deadlineMs = scenario.deadlineMs) =>
  runScenario({ ...scenario, deadlineMs }, { image, submissions: { server: submission(server) } })
const failedChecks = (result: Awaited<ReturnType<typeof grade>>) =>
  Object.fromEntries(result.checks.filter((c) => !c.passed).map((c) => [c.description, c.reason]))

describe.concurrent('dual stack servers', { timeout: 90_000 }, () => {
  it('passes a Node server that listens with no host (on ::)', async () => {
    const result = await grade(tcpBasic, 'servidor-sem-host.mjs')
    expect(failedChecks(result)).toEqual({})
    expect(result.run.hosts.server.listening).toContain('[::]:12345/tcp')
  })

  it('passes a Python dual stack server', async () => {
    const result = await grade(tcpBasic, 'servidor-dualstack.py')
    expect(failedChecks(result)).toEqual({})
    expect(result.run.hosts.server.listening).toContain('[::]:12345/tcp')
  })

  it('passes a UDP server bound to :: with IPV6_V6ONLY off', async () => {
    const result = await grade(udpBasic, 'servidor-udp-ipv6.py')
    expect(failedChecks(result)).toEqual({})
    expect(result.run.hosts.server.listening).toContain('[::]:12345/udp')
    expect(result.run.hosts.server.stdout.map((l) => l.text).join('\n')).toMatch(/Mensagem recebida de \('::ffff:[\d.]+', \d+, 0, 0\): Olá, servidor UDP!/)
  })
})
