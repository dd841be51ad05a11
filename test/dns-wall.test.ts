// Docker's resolver in a lab host answers the lab's names only (services/bin/dns-wall.ts). Nothing here reaches
// past the lab: the outside name is refused inside the host, before Docker's resolver could forward it, which the
// test sees by inspection (the wall's refusal counter in the host's sidecar) and by how fast the lookup failed.
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, inject, it } from 'vitest'
import { $ } from 'zx'
import { DNS_BURST, DNS_RATE_PER_SECOND, DNS_TABLE } from '../services/bin/dns-wall.ts'
import { loadCatalog, selectScenarios } from '../engine/plan/catalog.ts'
import { runScenario } from '../engine/runtime/run.ts'
import type { Scenario } from '../engine/model/scenario.ts'
import { FIXTURE_SCENARIOS } from './lab-process.ts'

const [wall] = selectScenarios(await loadCatalog(FIXTURE_SCENARIOS), ['dns-wall'])
const image = inject('labImage')
/** An outside name must fail within this (a forwarded query waits for the machine's resolvers, a dropped one for
 * the resolver's 5 s timeout). */
const REFUSED_WITHIN_MS = 1000

/** The wall scenario with the probe's steps. */
function probing(...steps: string[]): Scenario {
  const client = wall.hosts.client.run as { command: string[]; files: string[] }
  return {
    ...wall,
    hosts: { ...wall.hosts, client: { run: { ...client, command: ['python3', 'dns-probe.py', ...steps] } } },
  }
}

/** Runs the scenario, reading the refusal counters of the client's wall meanwhile (the lab is gone afterwards). */
async function runWatchingWall(
  scenario: Scenario,
): Promise<{ result: Awaited<ReturnType<typeof runScenario>>; refused: number }> {
  const projects = async () =>
    new Set(
      (
        await $({
          quiet: true,
        })`docker ps -a --filter label=socket-lab.scenario=${wall.id} --format ${'{{.Label "com.docker.compose.project"}}'}`
      ).stdout
        .split('\n')
        .filter(Boolean),
    )
  const before = await projects()
  let refused = 0
  let running = true
  const result = runScenario(scenario, { image }).finally(() => (running = false))
  const watch = (async () => {
    while (running) {
      const rows = (
        await $({
          quiet: true,
        })`docker ps -q --filter label=socket-lab.scenario=${wall.id} --filter label=com.docker.compose.service=client-net --format ${'{{.ID}} {{.Label "com.docker.compose.project"}}'}`
      ).stdout
        .split('\n')
        .filter(Boolean)
      const id = rows.map((row) => row.split(' ')).find(([, project]) => !before.has(project))?.[0]
      if (id) {
        const table = await $({ quiet: true, nothrow: true })`docker exec ${id} nft list table inet ${DNS_TABLE}`
        const counts = [...table.stdout.matchAll(/counter packets (\d+) bytes \d+ reject/g)].map((found) =>
          Number(found[1]),
        )
        if (counts.length)
          refused = Math.max(
            refused,
            counts.reduce((sum, n) => sum + n, 0),
          )
      }
      await sleep(200)
    }
  })()
  const done = await result
  await watch
  return { result: done, refused }
}

describe("a lab host's resolver", { timeout: 120_000 }, () => {
  it('answers a lab name, and refuses an outside name at once, inside the host', async () => {
    const { result, refused } = await runWatchingWall(probing('lab', 'external', 'lab'))
    expect(result.run.problems).toEqual([])
    const lines = result.run.hosts.client.stdout.map((line) => line.text)
    expect(lines.filter((line) => line === 'server resolves')).toHaveLength(2)
    const refusal = lines.map((line) => line.match(/^example\.com not resolved \(.+\) in (\d+) ms$/)).find(Boolean)
    expect(refusal, lines.join('\n')).toBeTruthy()
    expect(Number(refusal![1])).toBeLessThan(REFUSED_WITHIN_MS)
    expect(refused).toBeGreaterThan(0)
  })

  it('takes a flood of queries at a bounded rate, and still answers the lab name after it', async () => {
    const { result } = await runWatchingWall(probing('lab', 'flood', 'lab'))
    expect(result.run.problems).toEqual([])
    const lines = result.run.hosts.client.stdout.map((line) => line.text)
    const said = [...lines, ...result.run.hosts.client.stderr.map((line) => line.text)].join('\n')
    expect(
      lines.filter((line) => line === 'server resolves'),
      said,
    ).toHaveLength(2)
    const [, answered, sentInMs] =
      lines.map((line) => line.match(/^flood: (\d+) of 3000 answered, sent in (\d+) ms$/)).find(Boolean) ?? []
    expect(answered, lines.join('\n')).toBeDefined()
    // What the limit lets through while the queries were sent, and some slack for the timing of both ends.
    const bound = DNS_BURST + (DNS_RATE_PER_SECOND * (Number(sentInMs) + 200)) / 1000
    expect(Number(answered)).toBeGreaterThan(0)
    expect(Number(answered)).toBeLessThanOrEqual(bound)
  })
})
