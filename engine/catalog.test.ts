import { expect, it } from 'vitest'
import { loadCatalog, selectScenarios } from './catalog.ts'

const catalog = await loadCatalog()

it('names every scenario after its file and gives it a title and a seed section', () => {
  expect(catalog.map((s) => s.id)).toContain('tcp-basic')
  for (const scenario of catalog) {
    expect(scenario.title.length).toBeGreaterThan(0)
    expect(scenario.teaches.length).toBeGreaterThan(0)
    for (const host of Object.keys(scenario.expect)) expect(Object.keys(scenario.hosts)).toContain(host)
  }
})

it('selects by name, `all` for everything, and lists the known ones for an unknown name', () => {
  expect(selectScenarios(catalog, ['tcp-basic']).map((s) => s.id)).toEqual(['tcp-basic'])
  expect(selectScenarios(catalog, ['all'])).toEqual(catalog)
  expect(() => selectScenarios(catalog, ['nope'])).toThrow(`unknown scenario "nope"; known scenarios: ${catalog.map((s) => s.id).join(', ')}`)
})
