import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { labCompose, parseCompose } from './compose.ts'
import { netPlans } from './faults.ts'
import { COMPOSE_FILE } from './layout.ts'
import { planTopology, validateTopology } from './topology.ts'
import type { Scenario } from '../model/scenario.ts'
import { LABEL } from '../model/labels.ts'

const routed: Scenario = {
  id: 'routed',
  title: 't',
  teaches: 't',
  deadlineMs: 1000,
  networks: { clients: {}, servers: { subnet: '10.99.2.0/24', mtu: 1280 } },
  hosts: {
    server: {
      program: 'tcp-server',
      listens: 12345,
      networks: ['servers'],
      routes: [{ to: 'clients', via: 'router' }],
    },
    router: {
      program: 'idle',
      networks: { clients: { address: 254 }, servers: { address: 254 } },
      router: { nat: { network: 'servers', forwards: [{ port: 80, to: 'server', toPort: 12345 }] } },
    },
    client: { program: 'tcp-client', networks: ['clients'], routes: [{ to: 'default', via: 'router' }] },
  },
  expect: {},
}
const drawn = () => '10.99.1.0/24'

describe('topology', () => {
  it('fixes subnets and addresses: declared numbers kept, the others from 10 in declaration order', () => {
    expect(planTopology(routed, drawn)).toEqual({
      networks: {
        clients: { subnet: '10.99.1.0/24', gateway: '10.99.1.1' },
        servers: { subnet: '10.99.2.0/24', gateway: '10.99.2.1', mtu: 1280 },
      },
      addresses: {
        server: { servers: '10.99.2.10' },
        router: { clients: '10.99.1.254', servers: '10.99.2.254' },
        client: { clients: '10.99.1.10' },
      },
    })
  })

  it('writes labelled bridges with the base options, an MTU, no masquerading, and hosts that know each other by name', () => {
    const compose = labCompose(
      { ...routed, networks: { clients: { subnet: '10.99.1.0/24' }, servers: routed.networks!.servers } },
      { runId: 'r1', image: 'img', impl: 'ts' },
    )
    expect(Object.keys(compose.networks)).toEqual(['clients', 'servers'])
    expect(compose.networks.servers).toMatchObject({
      internal: false,
      driver_opts: {
        'com.docker.network.bridge.inhibit_ipv4': 'true',
        'com.docker.network.bridge.enable_ip_masquerade': 'false',
        'com.docker.network.driver.mtu': '1280',
      },
      ipam: { config: [{ subnet: '10.99.2.0/24' }] },
      labels: { [LABEL.run]: 'r1' },
    })
    expect(compose.services.client.networks).toEqual({ clients: { ipv4_address: '10.99.1.10' } })
    expect(compose.services.client.extra_hosts).toEqual(['server:10.99.2.10', 'router:10.99.1.254'])
    // an idle router is its sidecar alone, which holds its namespace: forwarding on, on both networks
    expect(compose.services.router).toBeUndefined()
    expect(compose.services['router-net']).not.toHaveProperty('network_mode')
    expect(compose.services['router-net']).toMatchObject({
      hostname: 'router',
      sysctls: { 'net.ipv4.ip_forward': 1 },
      networks: { clients: { ipv4_address: '10.99.1.254' }, servers: { ipv4_address: '10.99.2.254' } },
      cap_add: ['NET_ADMIN', 'NET_RAW', 'SETUID', 'SETGID'],
    })
    expect(compose.services['router-net'].extra_hosts).toEqual(['server:10.99.2.10', 'client:10.99.1.10'])
    expect(compose.services.client.sysctls).not.toHaveProperty('net.ipv4.ip_forward')
    // a router is waited for like a server
    expect(compose.services.client.environment?.LAB_WAIT_FOR).toBe('server router')
    const plan = JSON.parse(compose.services['router-net'].environment!.LAB_NET)
    expect(plan).toMatchObject({
      forward: true,
      labSubnets: ['10.99.1.0/24', '10.99.2.0/24'],
      interfaces: [
        { network: 'clients', address: '10.99.1.254', gateway: '10.99.1.1' },
        { network: 'servers', address: '10.99.2.254', gateway: '10.99.2.1' },
      ],
      nat: { network: 'servers', forwards: [{ port: 80, protocol: 'tcp', to: '10.99.2.10', toPort: 12345 }] },
    })
    expect(JSON.parse(compose.services['client-net'].environment!.LAB_NET).routes).toEqual([
      { to: 'default', via: '10.99.1.254' },
    ])
    expect(JSON.parse(compose.services['server-net'].environment!.LAB_NET).routes).toEqual([
      { to: '10.99.1.0/24', via: '10.99.2.254' },
    ])
  })

  it('keeps the program container of a router in a live lab, or that runs a submission, or a program of its own', () => {
    const base = parseCompose(readFileSync(COMPOSE_FILE, 'utf8'))
    const run = { runId: 'r1', image: 'img', impl: 'ts' as const }
    const kept = (compose: ReturnType<typeof labCompose>) => {
      expect(compose.services.router).toMatchObject({ sysctls: { 'net.ipv4.ip_forward': 1 } })
      expect(compose.services['router-net'].network_mode).toBe('service:router')
    }
    kept(labCompose(routed, { ...run, live: true }))
    kept(
      labCompose(routed, {
        ...run,
        submissions: { router: { source: '/tmp/router.py', dir: '/tmp/x', command: ['python3', 'router.py'] } },
      }),
    )
    kept(
      labCompose(
        { ...routed, hosts: { ...routed.hosts, router: { ...routed.hosts.router, program: 'tcp-server' } } },
        run,
      ),
    )
  })

  it('says what is wrong with a topology, in one line', () => {
    const broken =
      (change: Partial<Scenario['hosts'][string]>, host = 'client') =>
      () =>
        validateTopology({ ...routed, hosts: { ...routed.hosts, [host]: { ...routed.hosts[host], ...change } } })
    expect(broken({ networks: ['lan'] })).toThrow(
      'host "client" is attached to network "lan", which the scenario does not declare',
    )
    expect(broken({ routes: [{ to: 'servers', via: 'server' }] })).toThrow(
      'host "client" routes via "server", which is not a router of the scenario',
    )
    expect(broken({ routes: [{ to: 'mars', via: 'router' }] })).toThrow(
      `host "client" routes to "mars", which is neither a network of the scenario nor 'default'`,
    )
    expect(broken({ networks: { clients: { address: 1 } } })).toThrow(
      `host "client"'s number on clients must be from 2 to 254, not 1`,
    )
    expect(broken({ router: { nat: { network: 'clients' } } }, 'server')).toThrow(
      'router "server" masquerades out of "clients", a network it is not attached to',
    )
    expect(() => validateTopology({ ...routed, networks: undefined })).toThrow(
      'host "server" names networks, routes or a router, but the scenario declares no networks',
    )
    expect(() =>
      planTopology(
        {
          ...routed,
          hosts: { ...routed.hosts, client: { ...routed.hosts.client, networks: { clients: { address: 254 } } } },
        },
        drawn,
      ),
    ).toThrow('two hosts ask for number 254 on network clients')
  })

  it('puts a fault on one interface, and on a router on what it forwards', () => {
    const plans = netPlans(
      {
        ...routed,
        faults: [
          { kind: 'loss', host: 'router', network: 'servers', percent: 10, direction: 'in' },
          { kind: 'blackhole', host: 'router', atMs: 500, forMs: 1000 },
        ],
      },
      { seed: 1, mode: 'netem' },
    )
    expect(plans.router.nft).toContain('chain forward')
    expect(plans.router.nft).toMatch(/iifname "\{\{dev:servers\}\}" \{\{loss:\d+:10\}\} counter drop comment "loss"/)
    expect(plans.router.timed).toEqual([
      expect.objectContaining({ atMs: 500, untilMs: 1500, table: 'lab_blackhole_0' }),
    ])
    expect(plans.router.timed?.[0].nft).toMatch(/chain forward \{[^}]*counter drop comment "blackhole"/)
    expect(() =>
      netPlans({ ...routed, faults: [{ kind: 'loss', host: 'client', network: 'servers', percent: 10 }] }, { seed: 1 }),
    ).toThrow('fault loss names network "servers", which host "client" is not attached to')
    expect(() =>
      netPlans({ ...routed, faults: [{ kind: 'delay', host: 'client', network: 'clients', ms: 10 }] }, { seed: 1 }),
    ).toThrow('fault delay cannot name a network yet')
  })
})
