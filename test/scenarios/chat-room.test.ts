// chat-room: three clients through one server, in both implementations; the seed's one-client-at-a-time server
// never fills the room, and every client gives up.
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { ROOT } from '../../engine/plan/layout.ts'
import { loadCatalog, selectScenarios } from '../../engine/plan/catalog.ts'
import { runScenario } from '../../engine/runtime/run.ts'
import { failedChecks } from './failed-checks.ts'

const [chatRoom] = selectScenarios(await loadCatalog(), ['chat-room'])
const image = inject('labImage')

describe('chat-room', { timeout: 180_000 }, () => {
  it.each(['ts', 'python'] as const)('passes with the %s reference programs', async (impl) => {
    const result = await runScenario(chatRoom, { image, impl })
    expect(failedChecks(result.checks)).toEqual({})
    expect(
      result.checks.find((c) => c.description === 'alice got every message of bob and carol, in order')?.reason,
    ).toBe('from bob: 1, 2, 3, 4, 5, 6, 7, 8 of 8; from carol: 1, 2 of 2')
  })

  it("fails on the seed's one-client server: the room never fills", async () => {
    const server = { ...chatRoom.hosts.server, program: 'tcp-chat-server' }
    const result = await runScenario({ ...chatRoom, hosts: { ...chatRoom.hosts, server } }, { image })
    const failed = failedChecks(result.checks)
    // What each client did, for a failure to say: carol once printed nothing here (CI, Docker 26.1, 1 run in 6).
    const seen = Object.fromEntries(
      ['alice', 'bob', 'carol'].map((name) => {
        const host = result.run.hosts[name]
        return [
          name,
          {
            started: host?.started,
            exit: host?.exitCode,
            stdout: host?.stdout.map((l) => l.text),
            stderr: host?.stderr.slice(-3).map((l) => l.text),
          },
        ]
      }),
    )
    const why = JSON.stringify({ problems: result.run.problems, clients: seen })
    for (const name of ['alice', 'bob', 'carol'])
      expect(failed[`${name} printed "A sala está cheia"`], why).toMatch(/"A sala não encheu: a conexão expirou\."/)
    expect(failed).toMatchObject({
      'alice got every message of bob and carol, in order': 'from bob: nothing of 8; from carol: nothing of 2',
      'after carol left, alice and bob still heard each other': 'carol never left the room',
    })
  })

  it.each(['ts', 'python'] as const)(
    'a server that accepts and closes ends the %s reference clients at once, not at the deadline',
    async (impl) => {
      const result = await runScenario(chatRoom, {
        image,
        impl,
        submissions: { server: path.join(ROOT, 'test/fixtures/submissions/servidor-sala-fecha.py') },
      })
      for (const name of ['alice', 'bob', 'carol']) {
        const client = result.run.hosts[name]
        expect(client.exitCode, name).toBe(1)
        expect(
          client.stdout.map((l) => l.text),
          name,
        ).toEqual(['O servidor fechou a conexão antes de a sala encher.'])
        expect(client.elapsedMs, name).toBeLessThan(5000) // before the 5 s timeout it waited for once
      }
      expect(result.run.problems.filter((p) => p.kind === 'deadline')).toEqual([])
    },
  )

  it("gives a student's client the reference client's inputs as LAB_NAME, LAB_MESSAGES and LAB_LEAVE", async () => {
    const client = path.join(ROOT, 'test/fixtures/submissions/cliente-sala.py')
    const result = await runScenario(chatRoom, { image, submissions: { alice: client, carol: client } })
    expect(failedChecks(result.checks)).toEqual({})
    expect(result.run.hosts.carol.stdout.map((l) => l.text)).toContain('Saí da sala')
    expect(result.run.hosts.alice.stdout.filter((l) => l.text.startsWith('Enviada:')).length).toBe(8)
  })
})
