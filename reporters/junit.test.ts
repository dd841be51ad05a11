import { XMLParser } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { failed, passed, skipped } from './fixtures/results.ts'
import { EVIDENCE_LINES, junitReport } from './junit.ts'

interface Parsed {
  testsuites: {
    '@_name': string
    '@_tests': string
    '@_failures': string
    testsuite: Array<{
      '@_name': string
      '@_tests': string
      '@_failures': string
      '@_time': string
      properties: { property: Array<{ '@_name': string; '@_value': string }> }
      testcase: Array<{
        '@_classname': string
        '@_name': string
        '@_file': string
        failure?: { '@_message': string; '@_type': string; '#text': string }
        skipped?: string
      }>
    }>
  }
}

const parse = (xml: string) =>
  new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  }).parse(xml) as Parsed

const { testsuites } = parse(await junitReport([passed, failed]))

describe('junitReport', () => {
  it('has one testsuite per scenario and one testcase per check', () => {
    expect(testsuites['@_name']).toBe('socket-lab')
    expect([testsuites['@_tests'], testsuites['@_failures']]).toEqual(['5', '2'])
    expect(testsuites.testsuite.map((s) => [s['@_name'], s['@_tests'], s['@_failures'], s['@_time']])).toEqual([
      ['tcp-basic (ts)', '2', '0', '3.12'],
      ['tcp-silent (python)', '3', '2', '5.4'],
    ])
    expect(testsuites.testsuite[0].testcase.map((c) => [c['@_classname'], c['@_name'], c['@_file']])).toEqual([
      ['tcp-basic', 'client printed "Mensagem do servidor: Bem-vindo ao servidor!"', 'scenarios/tcp-basic.ts'],
      ['tcp-basic', 'client exited with code 0', 'scenarios/tcp-basic.ts'],
    ])
    expect(testsuites.testsuite[0].properties.property).toContainEqual({
      '@_name': 'project',
      '@_value': 'socketlab-tcp-basic-abc123',
    })
  })

  it('gives a failed check the observed value as message and the verdict and evidence as text', () => {
    const [lab, client, server] = testsuites.testsuite[1].testcase
    expect(server.failure).toBeUndefined()
    expect(lab.failure?.['@_message']).toBe('client was still running at the 4 s deadline')
    expect(client.failure?.['@_type']).toBe('check failed')
    expect(client.failure?.['#text']).toBe(
      [
        'FAILED: client printed "Mensagem do servidor: Bem-vindo ao servidor!"',
        'observed: client never printed it; it printed nothing',
        'problem: client was still running at the 4 s deadline',
        '',
        'client: still running after 4.0 s',
        '    3.9 s stderr a, b: <waiting> 100% & done',
        'server: still running after 4.1 s',
        '    80 ms stdout Servidor esperando por conexões...',
      ].join('\n'),
    )
  })

  it('repeats only the last lines of a flood of output under each failed check, and says how many it left out', async () => {
    const flood = Array.from({ length: 500_000 }, (_, i) => ({ atMs: i, text: 'x' }))
    const flooded = {
      ...failed,
      run: { ...failed.run, hosts: { ...failed.run.hosts, client: { ...failed.run.hosts.client, stdout: flood } } },
    }
    const xml = await junitReport([flooded])
    expect(xml.length).toBeLessThan(100_000)
    const text = parse(xml).testsuites.testsuite[0].testcase[0].failure?.['#text'] ?? ''
    expect(text).toContain(
      `client: still running after 4.0 s\n  (${500_000 - EVIDENCE_LINES} earlier stdout lines left out)\n`,
    )
    expect(text.split('\n').filter((line) => line.endsWith(' stdout x'))).toHaveLength(EVIDENCE_LINES)
  })

  it("adds a failed check's details under its observed value", async () => {
    const withDetails = { ...failed, checks: [{ ...failed.checks[1], details: ['SYN →', '← RST'] }] }
    const [testCase] = parse(await junitReport([withDetails])).testsuites.testsuite[0].testcase
    expect(testCase.failure?.['#text']).toMatch(
      /^FAILED: .*\nobserved: client never printed it; it printed nothing\n  SYN →\n  ← RST\nproblem: /,
    )
  })

  it('adds the likely mistake of a submitted program, in the chosen language', async () => {
    const submitted = {
      ...failed,
      submissions: { server: 'servidor.py' },
      hints: [{ id: 'no-welcome', text: { en: 'send the welcome', 'pt-BR': 'envie as boas-vindas' } }],
    }
    const [testCase] = parse(await junitReport([submitted], 'pt-BR')).testsuites.testsuite[0].testcase
    expect(testCase.failure?.['#text']).toContain('\nhint: envie as boas-vindas\n')
  })

  it('marks a skipped scenario with one skipped testcase that says why', async () => {
    const [suite] = parse(await junitReport([skipped])).testsuites.testsuite
    expect(suite.testcase).toHaveLength(1)
    expect(suite.testcase[0]['@_name']).toBe('skipped: this kernel has no netem')
    expect(suite.testcase[0]).toHaveProperty('skipped')
  })

  it('is valid XML for an empty run', async () => {
    expect(parse(await junitReport([])).testsuites['@_tests']).toBe('0')
  })
})

describe('junitReport, hostile output', () => {
  const forge = ']]><testcase name="forged"/><![CDATA['
  it('keeps a program from forging testcases with `]]>` in its output, however often it prints it', async () => {
    const client = {
      ...failed.run.hosts.client,
      stdout: [
        { atMs: 1, text: `${forge} x ${forge}` },
        { atMs: 2, text: forge },
      ],
    }
    const hostile = {
      ...failed,
      run: { ...failed.run, hosts: { ...failed.run.hosts, client } },
      checks: [{ ...failed.checks[1], reason: `printed ${forge}${forge}` }],
    }
    const xml = await junitReport([hostile])
    const [suite] = parse(xml).testsuites.testsuite
    expect(suite.testcase.map((c) => c['@_name'])).toEqual([failed.checks[1].description])
    expect(suite.testcase[0].failure?.['#text']).toContain(
      `1 ms stdout ]]\\x3e<testcase name="forged"/><![CDATA[ x ]]\\x3e<testcase`,
    )
  })

  it('writes out control characters instead of dropping them or breaking the XML', async () => {
    const hostile = { ...failed, checks: [{ ...failed.checks[1], reason: 'a\u001b[31mb\u0000c\nd' }] }
    const [testCase] = parse(await junitReport([hostile])).testsuites.testsuite[0].testcase
    expect(testCase.failure?.['@_message']).toBe('a\\x1b[31mb\\x00c\\nd')
  })
})
