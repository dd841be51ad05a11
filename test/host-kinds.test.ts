// Hosts of every kind behave as the lab's own: an `image` host (the lab image run as a foreign one, its reference
// server under a command of its own) is reached, captured and faulted through its sidecar, and its client starts
// only once it listens.
import { describe, expect, inject, it } from 'vitest'
import { defineScenario, type Scenario } from '../engine/model/scenario.ts'
import { expectPassed, failureReport, runScenario } from '../engine/tasks/api.ts'
import { SERVICES_DIR } from '../engine/plan/layout.ts'

const image = inject('labImage')
const server = { image, command: ['node', '/opt/lab/programs/ts/tcp-server.ts'], listens: 12345 }
const greeting = defineScenario({
  title: 'An image host greets a reference client',
  teaches: 'bring your own image',
  deadlineMs: 20_000,
  hosts: { server, client: { program: 'tcp-client' } },
  capture: ['server'],
  expect: {
    server: {
      prints: ['Servidor esperando por conexões...', 'Mensagem recebida do cliente: Olá, servidor!'],
      exit: 'running',
    },
    client: { prints: ['Mensagem do servidor: Bem-vindo ao servidor!'], exit: 0 },
  },
})

describe('an image host', { timeout: 90_000 }, () => {
  it('serves, and its sidecar captures its packets', async () => {
    const result = expectPassed(await runScenario(greeting, { id: 'image-greeting', image }))
    const packets = result.run.hosts.server.packets ?? []
    expect(packets.some((p) => p.proto === 'tcp' && p.sport === 12345 && p.flags === 'S.')).toBe(true)
  })

  it('is faulted like any host: rejected, its client is refused, and the failure reads as one', async () => {
    const refused: Scenario = {
      ...greeting,
      id: 'image-refused',
      faults: [{ kind: 'reject', host: 'server', protocol: 'tcp', port: 12345 }],
    }
    const result = await runScenario(refused, { image })
    expect(result.status).toBe('failed')
    expect(() => expectPassed(result)).toThrow(/^scenario image-refused failed: \d+ of \d+ checks failed\n/)
    expect(failureReport(result)).toMatch(
      /✗ client printed "Mensagem do servidor: Bem-vindo ao servidor!": client never printed it/,
    )
  })
})

describe('a run: { file } host', { timeout: 60_000 }, () => {
  it('runs the file as a submission is run, without the command line saying so', async () => {
    const file = {
      ...greeting,
      hosts: {
        server: { program: 'tcp-server', listens: 12345 },
        client: { run: { file: `${SERVICES_DIR}/programs/python/tcp-client.py` } },
      },
    }
    const result = expectPassed(await runScenario(file, { id: 'run-file', image }))
    expect(result.run.hosts.client.stdout.map((line) => line.text)).toEqual([
      'Mensagem do servidor: Bem-vindo ao servidor!',
    ])
  })
})
