// chat-persistent with the reference programs of both implementations, with another message count, and with a
// client that reconnects for every message.
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'
import { failedChecks } from './failed-checks.ts'

const image = inject('labImage')
const scenario = async (messages?: number) =>
  selectScenarios(await loadCatalog(undefined, messages ? { messages } : {}), ['chat-persistent'])[0]

describe('chat-persistent', { timeout: 120_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(await scenario(), { image, impl })
    expect(failedChecks(result.checks)).toEqual({})
    expect(result.run.hosts.server.packets?.filter((p) => p.flags === 'S')).toHaveLength(1)
  })

  it('takes the message count as a parameter', async () => {
    const result = await runScenario(await scenario(12), { image })
    expect(failedChecks(result.checks)).toEqual({})
    expect(result.run.hosts.server.stdout.map((l) => l.text).at(-1)).toBe('Cliente: Mensagem 12')
  })

  it('fails on a client that opens a new connection for every message', async () => {
    const chat = await scenario()
    const reconnecting = {
      ...chat,
      hosts: { ...chat.hosts, client: { ...chat.hosts.client, program: 'fixtures/chat-client-reconnect' } },
    }
    const result = await runScenario(reconnecting, { image })
    expect(result.status).toBe('failed')
    // The seed's server accepts once: the second connection is refused or reset, so the client stops there.
    expect(failedChecks(result.checks)['the 5 messages crossed one connection: one handshake']).toMatch(
      /^2 handshakes \(client ports \d+, \d+\): a persistent client connects once and loops send\/recv on that socket$/,
    )
    expect(result.run.hosts.client.exitCode).toBe(1)
  })
})
