import { expect, it } from 'vitest'
import { loadCatalog } from '../plan/catalog.ts'
import { percentile, soakMarkdown, soakRows, soakScenarios, withSoakSection, SOAK_BEGIN, SOAK_END } from './soak.ts'

/** Issue 13's labs of several networks: the soak must run them with the rest. */
const TOPOLOGY_SCENARIOS = ['routed', 'nat', 'mtu-fragmentation', 'router-down', 'chat-room', 'traceroute']

it('soaks the whole catalog by default, the multi-network labs included, and only the named ones otherwise', async () => {
  const catalog = await loadCatalog()
  const soaked = soakScenarios(catalog, []).map((scenario) => scenario.id)
  expect(soaked).toEqual(catalog.map((scenario) => scenario.id))
  for (const id of TOPOLOGY_SCENARIOS) expect(soaked).toContain(id)
  // every scenario of several networks, whatever its name, not only these six
  expect(
    catalog
      .filter((scenario) => scenario.networks)
      .map((scenario) => scenario.id)
      .every((id) => soaked.includes(id)),
  ).toBe(true)
  expect(soakScenarios(catalog, ['nat', 'routed']).map((scenario) => scenario.id)).toEqual(['nat', 'routed'])
})

it('takes nearest-rank percentiles', () => {
  const values = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10]
  expect(percentile(values, 50)).toBe(5)
  expect(percentile(values, 95)).toBe(10)
  expect(percentile([42], 95)).toBe(42)
})

it('counts passes and wall times per scenario, in the order scenarios first appear', () => {
  const rows = soakRows([
    { scenario: 'b', passed: true, wallMs: 1000 },
    { scenario: 'a', passed: false, wallMs: 4000 },
    { scenario: 'b', passed: true, wallMs: 3000 },
  ])
  expect(rows).toEqual([
    { scenario: 'b', runs: 2, passed: 2, skipped: 0, p50Ms: 1000, p95Ms: 3000, maxMs: 3000 },
    { scenario: 'a', runs: 1, passed: 0, skipped: 0, p50Ms: 4000, p95Ms: 4000, maxMs: 4000 },
  ])
})

it('writes a table and what was left behind', () => {
  const text = soakMarkdown({
    date: '2026-11-25',
    command: 'npm run soak -- --runs 2 b',
    machine: '2 cores',
    parallel: 2,
    totalMs: 4000,
    rows: [{ scenario: 'b', runs: 2, passed: 1, skipped: 0, p50Ms: 1000, p95Ms: 3000, maxMs: 3000 }],
    leftBehind: [],
    failures: ['b: client exited with code 1'],
  })
  expect(text).toContain('| `b` | 2 | 1 | 0 | 50.0 % | 1.0 s | 3.0 s | 3.0 s |')
  expect(text).toContain('Left behind after the soak (containers, networks, volumes of its runs): nothing.')
  expect(text).toContain('- b: client exited with code 1')
})

it('replaces its own section and leaves the rest of the document alone', () => {
  const once = withSoakSection('# Reliability\n\nintro\n', 'first')
  expect(once).toBe(`# Reliability\n\nintro\n\n${SOAK_BEGIN}\nfirst\n${SOAK_END}\n`)
  const twice = withSoakSection(`${once}\n## After\n`, 'second')
  expect(twice).toBe(`# Reliability\n\nintro\n\n${SOAK_BEGIN}\nsecond\n${SOAK_END}\n\n## After\n`)
})
