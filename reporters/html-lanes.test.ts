import { expect, it } from 'vitest'
import type { HostRun, Packet } from '../engine/model/scenario.ts'
import { arrowsOf, sequenceDiagram } from './html.ts'
import { interfaceLanes } from './html-lanes.ts'

const [CLIENT, ROUTER_C, ROUTER_S, SERVER] = ['10.213.1.10', '10.213.1.254', '10.213.2.254', '10.213.2.10']
const syn = (at: number, network: string, over: Partial<Packet> = {}): Packet => ({
  at,
  proto: 'tcp',
  src: CLIENT,
  dst: SERVER,
  sport: 40000,
  dport: 12345,
  flags: 'S',
  seq: 1,
  ack: 0,
  length: 0,
  ipId: 7,
  network,
  ...over,
})
const host = (name: string, addresses: Record<string, string>, packets?: Packet[]): HostRun => ({
  host: name,
  address: Object.values(addresses)[0],
  addresses,
  packets,
  started: true,
  exitCode: 0,
  startedAt: 0,
  elapsedMs: 0,
  stdout: [],
  stderr: [],
})

// Declared as scenarios/routed.ts does: server first, the client last.
const routed = (serverSaw: boolean) => [
  host('server', { servers: SERVER }, serverSaw ? [syn(12, 'servers', { ttl: 63 })] : []),
  host('router', { clients: ROUTER_C, servers: ROUTER_S }, [syn(11, 'clients'), syn(11.5, 'servers', { ttl: 63 })]),
  host('client', { clients: CLIENT }, [syn(10, 'clients')]),
]

it('puts one lane per host interface, the router between the networks it joins', () => {
  expect(interfaceLanes(routed(true)).map((lane) => lane.id)).toEqual([
    'server',
    'router@servers',
    'router@clients',
    'client',
  ])
  const r1 = host('r1', { near: '10.0.1.254', middle: '10.0.2.254' })
  const r2 = host('r2', { middle: '10.0.2.253', far: '10.0.3.254' })
  const lanes = interfaceLanes([host('client', { near: '10.0.1.10' }), r2, r1, host('server', { far: '10.0.3.10' })])
  expect(lanes.map((lane) => lane.id)).toEqual(['client', 'r1@near', 'r1@middle', 'r2@middle', 'r2@far', 'server'])
})

it('draws a routed packet once per network it crossed, each marked with its network, and a drop on the last hop', () => {
  expect(arrowsOf(routed(true))).toEqual([
    {
      at: 10,
      from: 'client',
      to: 'router@clients',
      label: '[S] seq=0',
      flags: 'S',
      dropped: false,
      network: 'clients',
    },
    {
      at: 11.5,
      from: 'router@servers',
      to: 'server',
      label: '[S] seq=0',
      flags: 'S',
      dropped: false,
      network: 'servers',
    },
  ])
  expect(arrowsOf(routed(false)).map((a) => [a.from, a.to, a.dropped])).toEqual([
    ['client', 'router@clients', false],
    ['router@servers', 'server', true],
  ])
  const svg = sequenceDiagram(routed(true))
  expect(svg).toContain('data-from="router@servers" data-to="server" data-network="servers"')
  expect(svg).toContain('>[S] seq=0 · clients<')
  expect(svg).toContain(
    '<g class="lane" data-network="clients"><text x="780" y="20" text-anchor="middle" class="host">router</text><text x="780" y="36" text-anchor="middle" class="address">clients 10.213.1.254</text>',
  )
})

it("ends a packet that died at a router (its TTL ran out) at that router's lane, not at a lane of its address", () => {
  const probe = (at: number) => syn(at, 'clients', { proto: 'udp', flags: undefined, seq: undefined, ttl: 1 })
  const hosts = [
    host('server', { servers: SERVER }, []),
    host('router', { clients: ROUTER_C, servers: ROUTER_S }, [probe(11)]),
    host('client', { clients: CLIENT }, [probe(10)]),
  ]
  expect(arrowsOf(hosts)).toEqual([
    {
      at: 10,
      from: 'client',
      to: 'router@clients',
      label: 'UDP len=0',
      flags: 'udp',
      dropped: false,
      network: 'clients',
    },
  ])
})
