import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { labCompose, parseCompose, programCommand, randomSubnet, withSubnet } from './compose.ts'
import { COMPOSE_FILE } from './layout.ts'
import type { Scenario } from '../model/scenario.ts'

const base = parseCompose(await readFile(COMPOSE_FILE, 'utf8'))
const run = { project: 'socketlab-t-1', runId: 'r1', impl: 'ts' as const, image: 'socket-lab-host:abc' }

const scenario: Scenario = {
  id: 'three-hosts',
  title: 't',
  teaches: 't',
  deadlineMs: 1000,
  hosts: {
    server: { program: 'tcp-server', listens: 12345 },
    client: { program: 'tcp-client' },
    client2: { program: 'tcp-client', args: ['--n', '2'], after: ['server'] },
  },
  expect: {},
}

describe('docker-compose.yml', () => {
  it('keeps every lab network internal', () => {
    expect(Object.values(base.networks).every((network) => network.internal === true)).toBe(true)
    // no address of the machine on a lab's bridge (test/isolation.test.ts looks at the bridge)
    expect(base.networks.lab.driver_opts).toEqual({ 'com.docker.network.bridge.inhibit_ipv4': 'true' })
  })

  it('gives program containers only what dropping to `lab` needs, and the sidecars only network ones, all bounded', () => {
    for (const name of ['server', 'client']) {
      expect(base.services[name].cap_drop).toEqual(['ALL'])
      // lab-drop uses these to become `lab` with no capabilities before the program starts (test/sandbox.test.ts)
      expect(base.services[name].cap_add).toEqual(['SETUID', 'SETGID', 'SETPCAP'])
      expect(base.services[name].privileged).toBeUndefined()
      expect(base.services[name].tmpfs).toEqual(['/tmp:size=16m,mode=1777'])
      expect(base.services[`${name}-net`].cap_add).toEqual(['NET_ADMIN', 'NET_RAW', 'SETUID', 'SETGID'])
      for (const service of [base.services[name], base.services[`${name}-net`]]) {
        expect(service.security_opt).toEqual(['no-new-privileges:true'])
        expect(service).toMatchObject({ pids_limit: expect.any(Number), mem_limit: expect.any(String), cpus: 1 })
        expect(service.logging).toEqual({ driver: 'json-file', options: { 'max-size': '8m', 'max-file': '2' } })
      }
      expect(base.services[`${name}-net`].network_mode).toBe(`service:${name}`)
    }
  })
})

describe('labCompose', () => {
  const compose = labCompose(scenario, run)

  it('declares each host with its sidecar in its network namespace', () => {
    expect(Object.keys(compose.services)).toEqual([
      'server',
      'server-net',
      'client',
      'client-net',
      'client2',
      'client2-net',
    ])
    expect(compose.services['client2-net'].network_mode).toBe('service:client2')
    expect(compose.services.client2.hostname).toBe('client2')
    expect(compose.services.client2.command).toEqual(['node', '/opt/lab/programs/ts/tcp-client.ts', '--n', '2'])
    expect(compose.services.client2.cap_drop).toEqual(['ALL'])
  })

  it("starts every container at once; later programs wait until the listening host's sidecar saw it listen", () => {
    for (const service of Object.values(compose.services)) {
      expect(service.depends_on).toBeUndefined()
      expect(service.healthcheck).toBeUndefined()
    }
    expect(JSON.parse(compose.services['server-net'].environment!.LAB_NET)).toMatchObject({ listens: 12345 })
    expect(compose.services.server.environment?.LAB_WAIT_FOR).toBeUndefined()
    expect(compose.services.client.environment).toMatchObject({ LAB_WAIT_FOR: 'server' })
    expect(compose.services.client2.environment).toMatchObject({ LAB_WAIT_FOR: 'server' })
    expect(compose.services.client.volumes).toEqual(['lab-sync:/lab-sync:ro'])
    expect(compose.services['server-net'].volumes).toEqual(['lab-sync:/lab-sync'])
  })

  it('labels every container and network with the run, and runs the run image', () => {
    for (const service of Object.values(compose.services)) {
      expect(service.labels).toEqual({ 'socket-lab.run': 'r1', 'socket-lab.scenario': 'three-hosts' })
      expect(service.image).toBe('socket-lab-host:abc')
    }
    expect(compose.networks.lab).toMatchObject({ internal: true, labels: { 'socket-lab.run': 'r1' } })
    expect(compose.volumes).toMatchObject({ 'lab-sync': { labels: { 'socket-lab.run': 'r1' } } })
  })

  it("tells each sidecar which host it serves, and the lab's names its resolver may be asked", () => {
    expect(compose.services['server-net'].environment).toMatchObject({
      LAB_HOST: 'server',
      LAB_NET: '{"labNames":["server","client","client2"],"capture":false,"listens":12345}',
    })
    expect(compose.services['client-net'].environment).toMatchObject({
      LAB_HOST: 'client',
      LAB_NET: '{"labNames":["server","client","client2"],"capture":false}',
    })
  })
})

it('runs the python reference programs with python3', () => {
  expect(programCommand('tcp-server', 'python')).toEqual(['python3', '/opt/lab/programs/python/tcp-server.py'])
})

it('lets an idle host sleep in either implementation', () => {
  expect(programCommand('idle', 'ts')).toEqual(['sleep', 'infinity'])
  expect(programCommand('idle', 'python')).toEqual(['sleep', 'infinity'])
})

it("runs a host declared inside another in that host's network namespace, without a sidecar of its own", () => {
  const compose = labCompose(
    {
      ...scenario,
      hosts: {
        server: { program: 'tcp-server', listens: 12345 },
        local: { program: 'tcp-client', inside: 'server', env: { LAB_SERVER_HOST: 'localhost' } },
      },
    },
    run,
  )
  expect(Object.keys(compose.services)).toEqual(['server', 'server-net', 'local'])
  expect(compose.services.local).toMatchObject({
    network_mode: 'service:server',
    environment: { LAB_WAIT_FOR: 'server' },
  })
  expect(compose.services.local.hostname).toBeUndefined()
  expect(compose.services.local.networks).toBeUndefined()
  expect(compose.services.local.environment).toMatchObject({ LAB_SERVER_HOST: 'localhost' })
})

it('starts a host after an earlier one that does not listen once that one is set up, all containers at once', () => {
  const compose = labCompose(
    { ...scenario, hosts: { server: { program: 'idle' }, client: { program: 'tcp-client' } } },
    run,
  )
  expect(compose.services.client.environment).toMatchObject({ LAB_START_AFTER: 'server' })
  expect(compose.services.client.environment?.LAB_WAIT_FOR).toBeUndefined()
  expect(Object.values(compose.services).filter((service) => service.depends_on)).toEqual([])
})

it('leaves Compose to start a host after one inside another host, which has no sidecar to say it is set up', () => {
  const compose = labCompose(
    {
      ...scenario,
      hosts: {
        server: { program: 'tcp-server', listens: 12345 },
        local: { program: 'idle', inside: 'server' },
        client: { program: 'tcp-client' },
      },
    },
    run,
  )
  expect(compose.services.client.depends_on).toEqual({ local: { condition: 'service_started' } })
  expect(compose.services.client.environment).toMatchObject({ LAB_WAIT_FOR: 'server' })
  expect(compose.services.client.environment?.LAB_START_AFTER).toBeUndefined()
})

it('makes a program wait for the listening hosts that the hosts it starts after wait for', () => {
  const compose = labCompose(
    {
      ...scenario,
      hosts: {
        server: { program: 'tcp-server', listens: 12345 },
        relay: { program: 'idle', after: ['server'] },
        client: { program: 'tcp-client', after: ['relay'] },
      },
    },
    run,
  )
  expect(compose.services.client).toMatchObject({ environment: { LAB_WAIT_FOR: 'server', LAB_START_AFTER: 'relay' } })
})

describe('subnets of its own', () => {
  it('picks a /24 inside the configured /16', () => {
    expect(randomSubnet('10.213.0.0/16', () => 0.5)).toBe('10.213.128.0/24')
    expect(() => randomSubnet('10.213.0.0/8')).toThrow(
      'SOCKET_LAB_SUBNETS must be a /16 such as 10.213.0.0/16, not "10.213.0.0/8"',
    )
  })

  it('puts the lab network on it, still internal', () => {
    const compose = withSubnet(labCompose(scenario, run), '10.213.7.0/24')
    expect(compose.networks.lab).toMatchObject({ internal: true, ipam: { config: [{ subnet: '10.213.7.0/24' }] } })
  })
})

it('starts the clock of timed faults when the program starts: once the hosts it waits for listen', () => {
  const compose = labCompose(
    { ...scenario, faults: [{ kind: 'partition', between: ['client', 'server'], atMs: 3000, forMs: 3000 }] },
    run,
  )
  expect(JSON.parse(compose.services['client-net'].environment!.LAB_NET)).toMatchObject({
    waitFor: ['server'],
    timed: [{ atMs: 3000, untilMs: 6000 }],
  })
  expect(JSON.parse(compose.services['client2-net'].environment!.LAB_NET).waitFor).toBeUndefined()
})

it('hides the reference programs and their compiled copies from a host that runs a submission, and only there', () => {
  const submissions = {
    server: { dir: '/tmp/run/submission-server', command: ['python3', '/opt/lab/submission/s.py'], source: 's.py' },
  }
  const compose = labCompose(scenario, { ...run, submissions })
  expect(compose.services.server.tmpfs).toEqual([
    '/tmp:size=16m,mode=1777',
    '/opt/lab/programs:size=1m,mode=0755',
    '/opt/lab/node-cache:size=1m,mode=0755',
  ])
  expect(compose.services.server.environment).toMatchObject({ LAB_OUTPUT_LIMIT: '1048576' })
  expect(compose.services.client.tmpfs).toEqual(['/tmp:size=16m,mode=1777'])
})
