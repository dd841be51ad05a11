// examples/routed/docker-compose.yml on its own, as a teacher runs it by hand: the client reaches the server only
// through the router, and every sidecar drops what would leave the lab's two subnets.
import { randomBytes, randomInt } from 'node:crypto'
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { DockerComposeEnvironment, Wait } from 'testcontainers'
import { $ } from 'zx'
import { ROOT } from '../engine/plan/layout.ts'

describe('examples/routed/docker-compose.yml', { timeout: 120_000 }, () => {
  it("brings up client, router and server; the server sees the client's own address from the other subnet", async () => {
    const project = `socketlab-by-hand-routed-${randomBytes(4).toString('hex')}`
    // Outside the engine's pool (10.213.0.0/16), and drawn, so that two runs of this test do not collide.
    const third = randomInt(0, 127) * 2
    const [clients, servers] = [`10.214.${third}`, `10.214.${third + 1}`]
    {
      await using _lab = await new DockerComposeEnvironment(path.join(ROOT, 'examples/routed'), 'docker-compose.yml')
        .withProjectName(project)
        .withEnvironment({ LAB_IMAGE: inject('labImage'), LAB_CLIENTS: clients, LAB_SERVERS: servers })
        .withWaitStrategy('server-1', Wait.forLogMessage('Mensagem recebida do cliente: Olá, servidor!'))
        .withWaitStrategy('client-1', Wait.forOneShotStartup())
        .up()
      expect((await $({ quiet: true })`docker logs ${project}-client-1`).stdout).toBe(
        'Mensagem do servidor: Bem-vindo ao servidor!\n',
      )
      // Routed, not translated: the server sees the client's address on the other subnet.
      expect((await $({ quiet: true })`docker logs ${project}-server-1`).stdout).toMatch(
        new RegExp(`^Conexão estabelecida com \\('${clients.replaceAll('.', '\\.')}\\.10', \\d+\\)$`, 'm'),
      )
      const rules = await $({ quiet: true })`docker exec ${project}-router-net-1 nft list table inet lab-topology`
      // nft may print the two adjacent /24s merged into one /23: assert the rule, and the gateways' drops.
      expect(rules.stdout).toMatch(
        /ip daddr != \{? ?[\d./, ]+\}? counter packets \d+ bytes \d+ drop comment "out-of-lab"/,
      )
      for (const prefix of [clients, servers]) expect(rules.stdout).toContain(`ip daddr ${prefix}.1 drop`)
      // The server's (the client has exited, and its interface went with it): a route back through the router.
      const routes = await $({ quiet: true })`docker exec ${project}-server-net-1 ip -4 route show`
      expect(routes.stdout).toContain(`${clients}.0/24 via ${servers}.254`)
      expect(routes.stdout).not.toContain('default')
    }
    const left = await $({ quiet: true })`docker ps -aq --filter label=com.docker.compose.project=${project}`
    const networks = await $({ quiet: true })`docker network ls -q --filter label=com.docker.compose.project=${project}`
    expect(left.stdout + networks.stdout).toBe('')
  })
})
