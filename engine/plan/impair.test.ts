import { describe, expect, it } from 'vitest'
import { netPlans } from './faults.ts'
import { impairMode, netemArgs } from './impair.ts'
import { faultSeed } from './seeds.ts'
import type { Fault, HostSpec } from '../model/scenario.ts'

const hosts: Record<string, HostSpec> = { server: { program: 'tcp-server' }, client: { program: 'tcp-client' } }
const plansFor = (...faults: Fault[]) => netPlans({ hosts, faults }, { seed: 1234, mode: 'auto' })
const NETEM = ['qdisc', 'add', 'dev', 'eth0', 'root', 'netem']

describe('impairment plans', () => {
  it('says an unfiltered egress plan to netem in its own words', () => {
    const { client } = plansFor(
      { kind: 'delay', host: 'client', ms: 40, jitterMs: 10, correlation: 25, distribution: 'normal' },
      { kind: 'reorder', host: 'client', percent: 25, gap: 5 },
      { kind: 'duplicate', host: 'client', percent: 1 },
      { kind: 'corrupt', host: 'client', percent: 0.1 },
      { kind: 'burst-loss', host: 'client', model: { p: 5, r: 25 } },
    )
    expect(client.impair?.netem).toEqual([
      [
        ...NETEM,
        'delay',
        '40ms',
        '10ms',
        '25%',
        'distribution',
        'normal',
        'reorder',
        '25%',
        'gap',
        '5',
        'duplicate',
        '1%',
        'corrupt',
        '0.1%',
        'loss',
        'gemodel',
        '5%',
        '25%',
        '100%',
        '0%',
        'seed',
        String(faultSeed(1234, 'client', 'out', 0, 'delay')),
      ],
    ])
    expect(netemArgs([{ kind: 'burst-loss', direction: 'out', model: { p13: 1, p31: 50 } }])).toEqual([
      [...NETEM, 'loss', 'state', '1%', '50%', '0%', '0%', '0%'],
    ])
  })

  it('leaves to the userspace engine what netem cannot say: ingress, filters, windows, recomputed checksums', () => {
    for (const fault of [
      { kind: 'delay', host: 'client', ms: 10, direction: 'in' },
      { kind: 'delay', host: 'client', ms: 10, protocol: 'udp' },
      { kind: 'duplicate', host: 'client', percent: 5, peer: 'server' },
      { kind: 'loss', host: 'client', percent: 100, atMs: 0, forMs: 200, everyMs: 1000 },
      { kind: 'corrupt', host: 'client', percent: 5, recomputeChecksum: true },
    ] as Fault[]) {
      expect(plansFor(fault).client.impair, JSON.stringify(fault)).toMatchObject({
        mode: 'auto',
        rules: [expect.any(Object)],
      })
      expect(plansFor(fault).client.impair?.netem).toBeUndefined()
    }
    expect(
      plansFor({ kind: 'duplicate', host: 'client', percent: 5, peer: 'server' }).client.impair?.rules[0].peer,
    ).toBe('{{address:server}}')
    expect(
      plansFor({ kind: 'loss', host: 'client', percent: 100, atMs: 0, forMs: 200, everyMs: 1000 }).client.impair
        ?.rules[0],
    ).toEqual({
      kind: 'loss',
      percent: 100,
      direction: 'in',
      windows: [{ atMs: 0, forMs: 200, everyMs: 1000 }],
      seeds: { in: faultSeed(1234, 'client', 'in', 0, 'loss') },
    })
  })

  it('keeps plain loss in nftables and plain rate in tbf', () => {
    const { server } = plansFor(
      { kind: 'loss', host: 'server', percent: 30 },
      { kind: 'rate', host: 'server', kbit: 1000 },
    )
    expect(server.impair).toBeUndefined()
    expect(server.nft).toMatch(/\{\{loss:\d+:30\}\} counter drop/)
    expect(plansFor({ kind: 'rate', host: 'server', kbit: 1000, queue: 50 }).server.impair?.netem).toEqual([
      [...NETEM, 'rate', '1000kbit', 'limit', '50'],
    ])
  })

  it('refuses impossible impairments in one line', () => {
    expect(() => plansFor({ kind: 'reorder', host: 'client', percent: 10 })).toThrow(
      'fault reorder on client: reordering sends some packets ahead of delayed ones, so it needs a delay on the same host',
    )
    expect(() => plansFor({ kind: 'duplicate', host: 'client', percent: 120 })).toThrow(
      'fault duplicate on client: percent must be 0 to 100 %, not 120',
    )
    expect(() => plansFor({ kind: 'delay', host: 'client', ms: 10, peer: 'ghost' })).toThrow(
      'fault delay on client names peer "ghost", which the scenario does not declare',
    )
    expect(() => plansFor({ kind: 'loss', host: 'client', percent: 50, forMs: 500, everyMs: 400 })).toThrow(
      'fault loss on client: a time window needs atMs >= 0, forMs > 0, and everyMs longer than forMs',
    )
  })

  it('reads SOCKET_LAB_IMPAIR, and refuses an unknown engine', () => {
    expect(impairMode(undefined)).toBe('auto')
    expect(impairMode('userspace')).toBe('userspace')
    expect(() => impairMode('tc')).toThrow(
      'SOCKET_LAB_IMPAIR="tc" is not an impairment engine: use auto, netem, userspace (auto: netem where the kernel has it)',
    )
  })
})
