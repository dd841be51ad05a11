// DOCKER_HOST reaches every part of a run (the CLI, Compose and the Engine API client): a second endpoint of this
// machine's own engine, a TCP listener on loopback relaying to its Unix socket, runs tcp-basic, and the relay sees
// the lab's traffic. Loopback only: nothing leaves the machine.
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { $ } from 'zx'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLab } from './lab-process.ts'

/** The engine this test run uses (CI's second pass points DOCKER_HOST at another daemon's socket). */
const ENGINE_SOCKET = process.env.DOCKER_HOST?.startsWith('unix://')
  ? process.env.DOCKER_HOST.slice('unix://'.length)
  : '/var/run/docker.sock'

let relay: net.Server
let connections = 0
let port = 0

beforeAll(async () => {
  relay = net.createServer((client) => {
    connections++
    const engine = net.connect(ENGINE_SOCKET)
    client.pipe(engine).pipe(client)
    const close = () => {
      client.destroy()
      engine.destroy()
    }
    client.on('error', close).on('close', close)
    engine.on('error', close).on('close', close)
  })
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve))
  port = (relay.address() as net.AddressInfo).port
})

afterAll(() => new Promise<void>((resolve) => relay.close(() => resolve())))

describe('a remote engine through DOCKER_HOST=tcp://', { timeout: 120_000 }, () => {
  it('runs tcp-basic through a TCP endpoint on loopback', async () => {
    const lab = startLab(['tcp-basic'], {
      via: 'node',
      env: { DOCKER_HOST: `tcp://127.0.0.1:${port}`, SOCKET_LAB_SCENARIOS: '' },
    })
    const exit = await lab.exited
    expect(exit.stderr).toBe('')
    expect(exit.code).toBe(0)
    expect(exit.stdout).toMatch(/tcp-basic/)
    // the CLI's, Compose's and the API client's connections all came through the relay
    expect(connections).toBeGreaterThan(5)
  })

  it('runs tcp-basic through a docker context (DOCKER_CONTEXT) naming that endpoint', async () => {
    // A CLI configuration of its own: the machine's ~/.docker is not touched.
    const config = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-context-'))
    try {
      await $({
        env: { ...process.env, DOCKER_CONFIG: config },
      })`docker context create socket-lab-relay --docker host=tcp://127.0.0.1:${port}`.quiet()
      const before = connections
      const lab = startLab(['tcp-basic'], {
        via: 'node',
        env: { DOCKER_CONFIG: config, DOCKER_CONTEXT: 'socket-lab-relay', DOCKER_HOST: '', SOCKET_LAB_SCENARIOS: '' },
      })
      const exit = await lab.exited
      expect(exit.stderr).toBe('')
      expect(exit.code).toBe(0)
      expect(connections - before).toBeGreaterThan(5)
    } finally {
      await rm(config, { recursive: true, force: true })
    }
  })
})
