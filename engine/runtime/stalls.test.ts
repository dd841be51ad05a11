import { describe, expect, it } from 'vitest'
import { heldMs, parseStall, sourcesReadable, stallText, stalled, type StallReport } from './stalls.ts'

const T = 1_800_000_000_000
const waiting = (quiet: number, at: number, extra: Partial<StallReport> = {}): StallReport => ({
  state: 'waiting',
  wake: null,
  quiet,
  waits: ['recvfrom'],
  at,
  ...extra,
})

describe('parseStall', () => {
  it('reads a watcher line', () => {
    expect(
      parseStall('lab-stall {"state":"waiting","wake":null,"quiet":5,"waits":["recvfrom","accept"],"at":9}'),
    ).toEqual({ state: 'waiting', wake: null, quiet: 5, waits: ['recvfrom', 'accept'], at: 9 })
  })
  it('takes nothing but the shape on trust', () => {
    for (const line of [
      'lab-stall {"state":"idle","wake":null,"quiet":5,"waits":[],"at":9}',
      'lab-stall {"state":"waiting","wake":"soon","quiet":5,"waits":[],"at":9}',
      'lab-stall {"state":"waiting","wake":null,"quiet":5,"waits":["<script>"],"at":9}',
      'lab-stall {"state":"waiting","wake":null,"quiet":5,"waits":"recv","at":9}',
      'lab-stall {"state":"waiting","wake":null,"quiet":5,"waits":[]}',
      'lab-stall [1,2]',
      'lab-stall {',
      'lab-stall null',
      `lab-stall {"state":"waiting","wake":null,"quiet":5,"waits":[${'"a",'.repeat(400)}"a"],"at":9}`,
      'Servidor esperando... lab-stall {"state":"waiting","wake":null,"quiet":5,"waits":[],"at":9}',
    ])
      expect(parseStall(line), line).toBeUndefined()
  })
})

describe('stalled', () => {
  const hosts = ['server', 'client']
  it('is a stall once every host waited, quiet, for the whole window its own watcher saw', () => {
    const reports = new Map([
      ['server', waiting(T, T + 2100, { waits: ['accept'] })],
      ['client', waiting(T + 100, T + 2150)],
    ])
    expect(stalled(reports, hosts, T + 20_000)).toEqual({
      since: T + 100,
      waits: { server: ['accept'], client: ['recvfrom'] },
    })
  })
  it('is none while a watcher has not yet seen the quiet last long enough (a slow watcher proves only what it saw)', () => {
    const reports = new Map([
      ['server', waiting(T, T + 5000)],
      ['client', waiting(T, T + 1500)],
    ])
    expect(stalled(reports, hosts, T + 20_000)).toBeUndefined()
  })
  it('is none while a host is busy, has not reported, or has a timeout before the deadline', () => {
    const quiet = waiting(T, T + 3000)
    expect(stalled(new Map([['server', quiet]]), hosts, T + 20_000)).toBeUndefined()
    expect(
      stalled(
        new Map([
          ['server', quiet],
          ['client', { ...quiet, state: 'busy' }],
        ]),
        hosts,
        T + 20_000,
      ),
    ).toBeUndefined()
    // settimeout(5) in the client: its timeout can still change the outcome.
    const timer = waiting(T, T + 3000, { wake: T + 5000, waits: ['poll'] })
    expect(
      stalled(
        new Map([
          ['server', quiet],
          ['client', timer],
        ]),
        hosts,
        T + 20_000,
      ),
    ).toBeUndefined()
    // A sleep that ends after the deadline cannot.
    const sleeper = waiting(T, T + 3000, { wake: T + 3_600_000, waits: ['clock_nanosleep'] })
    expect(
      stalled(
        new Map([
          ['server', sleeper],
          ['client', quiet],
        ]),
        hosts,
        T + 20_000,
      )?.waits.server,
    ).toEqual(['clock_nanosleep'])
  })
  it('counts a host whose programs are gone as waiting, but is none when all are gone', () => {
    const gone: StallReport = { state: 'gone', wake: null, quiet: T, waits: [], at: T + 100 }
    expect(
      stalled(
        new Map([
          ['server', waiting(T, T + 2500)],
          ['client', gone],
        ]),
        hosts,
        T + 9000,
      )?.waits,
    ).toEqual({
      server: ['recvfrom'],
      client: [],
    })
    expect(
      stalled(
        new Map([
          ['server', gone],
          ['client', gone],
        ]),
        hosts,
        T + 9000,
      ),
    ).toBeUndefined()
  })
  it('waits longer where a fault holds packets on their way', () => {
    const reports = new Map([['server', waiting(T, T + 2500)]])
    expect(stalled(reports, ['server'], T + 9000, 2000 + heldMs([{ kind: 'delay', host: 'server', ms: 600 }]))).toEqual(
      undefined,
    )
    expect(
      heldMs([
        { kind: 'delay', host: 'server', ms: 100, jitterMs: 50 },
        { kind: 'loss', host: 'client', percent: 5 },
      ]),
    ).toBe(300)
    expect(heldMs()).toBe(0)
  })
})

describe('stallText', () => {
  it('gives the evidence: who waited in what, for how long, and the deadline it could not change', () => {
    const text = stallText({ since: T, waits: { server: ['accept'], client: ['recvfrom'] } }, 20_000, T + 2100)
    expect(text).toContain('server in accept; client in recvfrom')
    expect(text).toContain('2.1 s')
    expect(text).toContain('20 s deadline')
  })
})

describe('sourcesReadable', () => {
  it('refuses a submission that sets its own receive timeout, or that is not text', async () => {
    const { mkdtemp, writeFile, mkdir, rm } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const dir = await mkdtemp(`${tmpdir()}/stalls-`)
    try {
      await mkdir(`${dir}/a/lib`, { recursive: true })
      await writeFile(`${dir}/a/servidor.py`, 'import socket\ns.recvfrom(1024)\n')
      await writeFile(`${dir}/a/lib/util.py`, 'x = 1\n')
      expect(await sourcesReadable([`${dir}/a`])).toBe(true)
      await writeFile(`${dir}/a/lib/util.py`, 's.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, t)\n')
      expect(await sourcesReadable([`${dir}/a`])).toBe(false)
      await mkdir(`${dir}/b`)
      await writeFile(`${dir}/b/servidor`, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]))
      expect(await sourcesReadable([`${dir}/b`])).toBe(false)
      expect(await sourcesReadable([`${dir}/missing`])).toBe(false)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
