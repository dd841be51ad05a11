// server-crash with both implementations, and with a client that ignores the empty recv() of a closed connection.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'
import { failedChecks, withProgram } from './broken-program.ts'

const [scenario] = selectScenarios(await loadCatalog(), ['server-crash'])
const image = inject('labImage')

describe('server-crash', { timeout: 90_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(scenario, { image, impl })
    expect(result.checks.filter((c) => !c.passed)).toEqual([])
    expect(result.run.hosts.server.stderr.at(-1)?.text).toMatch(/o servidor caiu no meio da conversa$/)
  })

  it('fails on a client that ignores EOF and keeps waiting for a reply, once the deadline passes', async () => {
    const result = await runScenario(withProgram(scenario, 'client', 'fixtures/eof-ignoring-client'), { image })
    const failed = failedChecks(result)
    expect(Object.keys(failed)).toEqual([
      'the lab ran to the end',
      'client printed "Conexão encerrada pelo servidor."',
      'client exited with code 0',
      'the client reported the closed connection within 1 s of the crash',
    ])
    expect(failed['the lab ran to the end']).toBe('client was still running at the 20 s deadline')
    expect(failed['client printed "Conexão encerrada pelo servidor."']).toBe(
      'client never printed it; its last output: "Mensagem do servidor: Bem-vindo ao servidor!", "Resposta do servidor: Mensagem recebida!"',
    )
    expect(failed['the client reported the closed connection within 1 s of the crash']).toMatch(
      /^the client never reported it and was still running [\d.]+ s in: recv\(\) returning nothing \(b''\) means the server closed; a loop that ignores it never ends$/,
    )
  })
})
