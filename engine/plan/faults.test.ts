import { describe, expect, it } from 'vitest'
import { netPlans } from './faults.ts'
import type { Fault, HostSpec } from '../model/scenario.ts'

const hosts: Record<string, HostSpec> = { server: { program: 'tcp-server' }, client: { program: 'tcp-client' } }
const plansFor = (...faults: Fault[]) => netPlans({ hosts, faults })

describe('netPlans', () => {
  it('drops a random share of the matching packets with nftables numgen', () => {
    const { server } = plansFor({ kind: 'loss', host: 'server', percent: 30, protocol: 'udp', direction: 'in' })
    expect(server.nft).toContain('chain input {')
    expect(server.nft).toContain('meta l4proto udp numgen random mod 100 < 30 counter drop comment "loss"')
    expect(server.nft).not.toContain('chain output')
  })

  it('applies loss in both directions when asked, and nothing at 0 %', () => {
    expect(
      plansFor({ kind: 'loss', host: 'client', percent: 5, direction: 'both' }).client.nft?.match(
        /numgen random mod 100 < 5/g,
      ),
    ).toHaveLength(2)
    expect(plansFor({ kind: 'loss', host: 'client', percent: 0 }).client?.nft).toBeUndefined()
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
    const { client } = netPlans({
      hosts: three,
      faults: [
        { kind: 'partition', between: ['client', 'server'], atMs: 0, forMs: 1000 },
        { kind: 'partition', between: ['client', 'other'], atMs: 500 },
      ],
    })
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
    expect(plansFor({ kind: 'delay', host: 'server', ms: 100, jitterMs: 10 }).server.impair).toEqual({
      mode: 'auto',
      rules: [{ kind: 'delay', ms: 100, jitterMs: 10, direction: 'out' }],
      netem: [['qdisc', 'add', 'dev', 'eth0', 'root', 'netem', 'delay', '100ms', '10ms']],
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
