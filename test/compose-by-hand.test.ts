// docker-compose.yml on its own, as `docker compose up` runs it by hand: the two programs talk.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DockerComposeEnvironment, Wait } from 'testcontainers'
import { $ } from 'zx'
import { ROOT } from '../engine/plan/layout.ts'

describe('docker-compose.yml', { timeout: 120_000 }, () => {
  it('brings up server and client, which greet each other across the lab network', async () => {
    const project = `socketlab-by-hand-${randomBytes(4).toString('hex')}`
    {
      await using _lab = await new DockerComposeEnvironment(ROOT, 'docker-compose.yml')
        .withProjectName(project)
        // The server prints the client's message only after the whole exchange: welcome received, answer sent.
        .withWaitStrategy('server-1', Wait.forLogMessage('Mensagem recebida do cliente: Olá, servidor!'))
        .withWaitStrategy('client-1', Wait.forOneShotStartup())
        .up()
      const client = await $({ quiet: true })`docker logs ${project}-client-1`
      expect(client.stdout).toBe('Mensagem do servidor: Bem-vindo ao servidor!\n')
      expect((await $({ quiet: true })`docker inspect -f {{.State.ExitCode}} ${project}-client-1`).stdout.trim()).toBe(
        '0',
      )
      const server = await $({ quiet: true })`docker logs ${project}-server-1`
      expect(server.stdout).toMatch(
        /^Servidor esperando por conexões...\nConexão estabelecida com \('[\d.]+', \d+\)\nMensagem recebida do cliente: Olá, servidor!\n$/,
      )
    }
    const left = await $({ quiet: true })`docker ps -aq --filter label=com.docker.compose.project=${project}`
    const networks = await $({ quiet: true })`docker network ls -q --filter label=com.docker.compose.project=${project}`
    expect(left.stdout + networks.stdout).toBe('')
  })
})
