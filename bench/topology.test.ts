import { expect, it } from 'vitest'
import { planTopology } from '../engine/plan/topology.ts'
import { FIVE_HOSTS } from './topology.ts'

it('the benchmark lab is 5 hosts on 3 networks with 2 routers, and its topology can be built', () => {
  const subnets = ['10.213.1.0/24', '10.213.2.0/24', '10.213.3.0/24']
  const topology = planTopology(FIVE_HOSTS, () => subnets.shift()!)!
  expect(Object.keys(topology.addresses)).toHaveLength(5)
  expect(Object.keys(topology.networks)).toEqual(['near', 'middle', 'far'])
  expect(
    Object.entries(FIVE_HOSTS.hosts)
      .filter(([, spec]) => spec.router)
      .map(([name]) => name),
  ).toEqual(['r2', 'r1'])
  expect(topology.addresses.neighbor).toEqual({ middle: '10.213.2.10' })
})
