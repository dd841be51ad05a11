import { describe, expect, it } from 'vitest'
import { netPlans } from './faults.ts'
import { faultSeed } from './seeds.ts'
import { lossPlaceholder } from '../../services/bin/protocol.ts'
import type { Fault, HostSpec } from '../model/scenario.ts'

const hosts: Record<string, HostSpec> = { server: { program: 'tcp-server' }, client: { program: 'tcp-client' } }
const SEED = 1234
const plansFor = (...faults: Fault[]) => netPlans({ hosts, faults }, { seed: SEED })

describe('netPlans', () => {
  it("drops a random share of the matching packets with nftables, drawn from the run's seed", () => {
    const { server } = plansFor({ kind: 'loss', host: 'server', percent: 30, protocol: 'udp', direction: 'in' })
    expect(server.nft).toContain('chain input {')
    expect(server.nft).toContain(
      `meta l4proto udp ${lossPlaceholder(faultSeed(SEED, 'server', 'input', 0, 'loss'), 30)} counter drop comment "loss"`,
    )
    expect(server.nft).not.toContain('chain output')
  })

  it('applies loss in both directions when asked, each with a seed of its own, and nothing at 0 %', () => {
    const both = plansFor({ kind: 'loss', host: 'client', percent: 5, direction: 'both' }).client.nft
    expect([...both!.matchAll(/\{\{loss:(\d+):5\}\}/g)].map((found) => Number(found[1]))).toEqual([
      faultSeed(SEED, 'client', 'input', 0, 'loss'),
      faultSeed(SEED, 'client', 'output', 0, 'loss'),
    ])
    expect(plansFor({ kind: 'loss', host: 'client', percent: 0 }).client?.nft).toBeUndefined()
  })

  it('draws from the seed alone: the same seed gives the same plan, another seed another', () => {
    const loss: Fault = { kind: 'loss', host: 'server', percent: 30 }
    const planned = (seed: number) => netPlans({ hosts, faults: [loss] }, { seed }).server.nft
    expect(planned(7)).toBe(planned(7))
    expect(planned(7)).not.toBe(planned(8))
  })

  it('blackholes silently, rejects with a reset or an ICMP port unreachable', () => {
    expect(plansFor({ kind: 'blackhole', host: 'server' }).server.nft).toMatch(
      /chain input[^}]*counter drop comment "blackhole"[^}]*}\s*chain output[^}]*counter drop comment "blackhole"/,
    )
    expect(plansFor({ kind: 'reject', host: 'server', port: 12345 }).server.nft).toContain(
      'tcp dport 12345 counter reject with tcp reset comment "reject"',
    )
    expect(plansFor({ kind: 'reject', host: 'server', protocol: 'udp', port: 9 }).server.nft).toContain(
      'udp dport 9 counter reject with icmpx type port-unreachable',
    )
  })

  it('keeps loopback traffic out of every fault', () => {
    expect(plansFor({ kind: 'blackhole', host: 'server' }).server.nft).toMatch(/policy accept;\n\s+iif "lo" accept\n/)
  })

  it('times a partition on the first host, naming the peer by a placeholder resolved in the lab', () => {
    const { client } = plansFor({ kind: 'partition', between: ['client', 'server'], atMs: 1000, forMs: 3000 })
    expect(client.timed).toEqual([expect.objectContaining({ atMs: 1000, untilMs: 4000, table: 'lab_partition_0' })])
    expect(client.timed![0].nft).toMatch(/^table inet lab_partition_0 {/)
    expect(client.timed![0].nft).toContain('ip saddr {{address:server}} counter drop comment "partition"')
    expect(client.timed![0].nft).toContain('ip daddr {{address:server}} counter comment "partition"')
    expect(client.timed![0].nft).not.toContain('ip daddr {{address:server}} counter drop')
    expect(client.timed![0].misdirect).toBe('{{address:server}}')
  })

  it('gives two partitions on one host a table each, so that one healing does not heal the other', () => {
    const three: Record<string, HostSpec> = { ...hosts, other: { program: 'tcp-server' } }
    const { client } = netPlans(
      {
        hosts: three,
        faults: [
          { kind: 'partition', between: ['client', 'server'], atMs: 0, forMs: 1000 },
          { kind: 'partition', between: ['client', 'other'], atMs: 500 },
        ],
      },
      { seed: SEED },
    )
    expect(client.timed!.map((t) => t.table)).toEqual(['lab_partition_0', 'lab_partition_1'])
    expect(client.timed!.map((t) => t.nft.match(/^table inet (\w+) {/)?.[1])).toEqual([
      'lab_partition_0',
      'lab_partition_1',
    ])
    expect(client.timed![1].nft).toContain('ip saddr {{address:other}} counter drop')
  })

  it('limits the egress rate with tbf, and delays with netem or the userspace engine, as one plan', () => {
    expect(plansFor({ kind: 'rate', host: 'server', kbit: 1000 }).server.tc).toEqual([
      ['qdisc', 'add', 'dev', 'eth0', 'root', 'tbf', 'rate', '1000kbit', 'burst', '3000', 'latency', '200ms'],
    ])
    const seed = faultSeed(SEED, 'server', 'out', 0, 'delay')
    expect(plansFor({ kind: 'delay', host: 'server', ms: 100, jitterMs: 10 }).server.impair).toEqual({
      mode: 'auto',
      rules: [{ kind: 'delay', ms: 100, jitterMs: 10, direction: 'out', seeds: { out: seed } }],
      netem: [['qdisc', 'add', 'dev', 'eth0', 'root', 'netem', 'delay', '100ms', '10ms', 'seed', String(seed)]],
    })
  })

  it('refuses a fault on an undeclared host or with an impossible value', () => {
    expect(() => plansFor({ kind: 'blackhole', host: 'ghost' })).toThrow(
      'fault blackhole names host "ghost", which the scenario does not declare',
    )
    expect(() => plansFor({ kind: 'loss', host: 'server', percent: 130 })).toThrow(
      'loss must be a whole number from 0 to 100 %, not 130',
    )
    expect(() => plansFor({ kind: 'loss', host: 'server', percent: 12.5 })).toThrow(
      'loss must be a whole number from 0 to 100 %, not 12.5',
    )
    expect(() => plansFor({ kind: 'rate', host: 'server', kbit: 0.5 })).toThrow(
      'rate must be a whole number of kbit/s from 1, not 0.5',
    )
    expect(() => plansFor({ kind: 'delay', host: 'server', ms: -1 })).toThrow(
      'fault delay on server: delay and jitter must be 0 ms or more',
    )
    expect(() => plansFor({ kind: 'partition', between: ['client', 'server'], atMs: -5 })).toThrow(
      'partition must start and last 0 ms or more, not at -5 ms for undefined ms',
    )
    expect(plansFor({ kind: 'loss', host: 'server', percent: 100 }).server.nft).toContain('counter drop comment "loss"')
  })
})

it('disconnects a host by taking its interface down', () => {
  expect(plansFor({ kind: 'disconnect', host: 'server' }).server).toEqual({ linkDown: true })
})
