import { describe, expect, it } from 'vitest'
import { loadCatalog, parseParams, selectScenarios, validateScenario } from './catalog.ts'

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
  expect(() => selectScenarios(catalog, ['nope'])).toThrow(
    `unknown scenario "nope"; known scenarios: ${catalog.map((s) => s.id).join(', ')}`,
  )
})

it('has every program a scenario runs in both implementations', async () => {
  const { existsSync } = await import('node:fs')
  const { SERVICES_DIR } = await import('./layout.ts')
  for (const scenario of catalog) {
    for (const { program } of Object.values(scenario.hosts)) {
      if (program === undefined) continue
      expect(existsSync(`${SERVICES_DIR}/programs/ts/${program}.ts`), `${scenario.id}: ${program}.ts`).toBe(true)
      if (!program.startsWith('fixtures/'))
        expect(existsSync(`${SERVICES_DIR}/programs/python/${program}.py`), `${scenario.id}: ${program}.py`).toBe(true)
    }
  }
})

describe('parameters', () => {
  const scenarios = [{ params: { loss: 30, datagrams: 1000 } }]

  it('reads name=number options that a chosen scenario declares', () => {
    expect(parseParams(['loss=0', 'datagrams=200'], scenarios)).toEqual({ loss: 0, datagrams: 200 })
  })

  it('refuses a malformed option or a parameter no chosen scenario has', () => {
    expect(() => parseParams(['loss'], scenarios)).toThrow('--param takes name=number, not "loss"')
    expect(() => parseParams(['rate=3'], scenarios)).toThrow(
      'no chosen scenario has a parameter "rate" (they have: loss, datagrams)',
    )
  })

  it('takes whole numbers for a parameter declared with one, and nothing below 0', () => {
    expect(() => parseParams(['loss=12.5'], scenarios)).toThrow(
      '--param loss takes a whole number from 0, not 12.5 (see `npm run lab -- --help`)',
    )
    expect(() => parseParams(['datagrams=-3'], scenarios)).toThrow(
      '--param datagrams takes a whole number from 0, not -3',
    )
    expect(parseParams(['x=0.5'], [{ params: { x: 1.5 } }])).toEqual({ x: 0.5 })
  })

  it("turns a value the scenario's faults cannot take into a usage error naming the parameter and its range", async () => {
    const refused = loadCatalog(undefined, { loss: 1000 }, ['udp-loss'])
    await expect(refused).rejects.toThrow(
      '--param loss=1000 cannot run scenario udp-loss: loss must be a whole number from 0 to 100 %, not 1000 (see `npm run lab -- --help`)',
    )
    await expect(refused).rejects.toMatchObject({ name: 'LabError', exitCode: 2 })
    expect((await loadCatalog(undefined, { loss: 100 }, ['udp-loss']))[0].params).toEqual({
      loss: 100,
      datagrams: 1000,
    })
  })
})

describe('validateScenario', () => {
  const base = { id: 'x', title: 'x', teaches: 'x', deadlineMs: 1000, expect: {} }

  it('refuses a host that waits for a host declared after it', () => {
    expect(() =>
      validateScenario({
        ...base,
        hosts: { client: { program: 'tcp-client', after: ['server'] }, server: { program: 'tcp-server' } },
      }),
    ).toThrow('scenario x: host "client" waits for "server", which is not declared before it')
  })

  it('refuses expectations and faults about undeclared hosts', () => {
    expect(() => validateScenario({ ...base, hosts: {}, expect: { server: { exit: 0 } } })).toThrow(
      'scenario x: expects something of "server", which it does not declare',
    )
    expect(() => validateScenario({ ...base, hosts: {}, faults: [{ kind: 'blackhole', host: 'server' }] })).toThrow(
      'scenario x: fault blackhole names host "server"',
    )
  })
})

describe('scenario files outside the catalog', () => {
  it('load by path beside catalog ids, in the order named; their mistakes are usage errors (exit 2)', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises')
    const os = await import('node:os')
    const path = await import('node:path')
    const { chooseScenarios } = await import('./catalog.ts')
    const dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-files-'))
    try {
      await writeFile(
        path.join(dir, 'mine.mjs'),
        "export default { title: 't', teaches: 't', deadlineMs: 1000, hosts: { server: { build: '../svc' } }, expect: {} }\n",
      )
      await writeFile(
        path.join(dir, 'bad.mjs'),
        "export default { title: 't', teaches: 't', deadlineMs: 1, hosts: { server: {} }, expect: {} }\n",
      )
      await writeFile(path.join(dir, 'boom.mjs'), "throw new Error('boom')\n")
      const chosen = await chooseScenarios([path.join(dir, 'mine.mjs'), 'tcp-basic'])
      expect(chosen.map((s) => s.id)).toEqual(['mine', 'tcp-basic'])
      expect(chosen[0].hosts.server.build).toEqual({ context: path.join(path.dirname(dir), 'svc') })
      await expect(chooseScenarios([path.join(dir, 'bad.mjs')])).rejects.toMatchObject({
        exitCode: 2,
        message: 'scenario bad: host "server" must say what it runs with exactly one of program, run, image or build',
      })
      await expect(chooseScenarios([path.join(dir, 'boom.mjs')])).rejects.toMatchObject({
        exitCode: 2,
        message: `cannot load the scenario file "${path.join(dir, 'boom.mjs')}": boom`,
      })
      await expect(chooseScenarios([path.join(dir, 'none.ts')])).rejects.toThrow(
        `no scenario file "${path.join(dir, 'none.ts')}"`,
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
