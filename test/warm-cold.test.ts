// A warm rerun's verdict is a cold run's: each scenario that can run warm is run cold (runScenario:
// a lab of its own, up and down) and warm (twice in one live lab, the second after the first's leftovers), and
// the verdicts and every check's outcome must agree. The scenarios that cannot run warm say why.
//
// By default a representative subset, since every scenario twice over is minutes on a 2-core machine:
// tcp-basic (a TCP exchange, and the same with a wrong greeting: a failure must match too), udp-loss (a fault's
// counters, reset between warm runs), connection-refused (nothing listens: the RST), host-unreachable (a link
// down), server-crash (a program that dies). SOCKET_LAB_WARM_ALL=1 runs them all (13 of 21; all 16 took about 6 min at load 10).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { $ } from 'zx'
import { afterAll, describe, expect, inject, it } from 'vitest'
import type { RunEvent } from '../engine/model/events.ts'
import type { ScenarioResult } from '../engine/model/result.ts'
import type { Scenario } from '../engine/model/scenario.ts'
import { loadCatalog } from '../engine/plan/catalog.ts'
import { ROOT } from '../engine/plan/layout.ts'
import { waitFor } from './lab-process.ts'

const SUBSET = ['tcp-basic', 'udp-loss', 'connection-refused', 'host-unreachable', 'server-crash']
const image = inject('labImage')
const state = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-warm-cold-'))
// The live labs' records go to this test's own folder: live-lab.ts reads it once, when first imported (the
// runtime modules import it: they are imported after this).
process.env.SOCKET_LAB_STATE = state
const { runScenario } = await import('../engine/runtime/run.ts')
const { downLiveLab, liveHosts, upLiveLab } = await import('../engine/runtime/live.ts')
const { runWarm, whyNotWarm } = await import('../engine/runtime/warm-start.ts')
const catalog = await loadCatalog()
const all = process.env.SOCKET_LAB_WARM_ALL === '1'
const chosen = catalog.filter((s) => all || SUBSET.includes(s.id))

/** What must agree: the verdict and each check's outcome (its reason holds timings, which may differ, and a
 * description may name an address of the lab's own subnet, which each lab gets anew). */
const verdict = (result: ScenarioResult) => ({
  status: result.status,
  checks: result.checks.map(
    (c) => `${c.passed ? 'pass' : 'FAIL'} ${c.description.replace(/\b\d+\.\d+\.\d+\.\d+\b/g, 'ADDRESS')}`,
  ),
})

/** The kinds of events a run told, in a set, and the lines it told by host and stream. */
function told(events: RunEvent[]) {
  const lines: Record<string, string[]> = {}
  for (const event of events)
    if (event.kind === 'line') (lines[`${event.host} ${event.stream}`] ??= []).push(event.text)
  return { kinds: [...new Set(events.map((event) => event.kind))].sort(), lines }
}
const linesOf = (result: ScenarioResult) =>
  Object.fromEntries(
    Object.entries(result.run.hosts).flatMap(([host, run]) =>
      (['stdout', 'stderr'] as const)
        .filter((s) => run[s].length)
        .map((s) => [`${host} ${s}`, run[s].map((l) => l.text)]),
    ),
  )

async function coldAndWarm(scenario: Scenario, submissions: Record<string, string> = {}) {
  const coldEvents: RunEvent[] = []
  const warmEvents: RunEvent[] = []
  const cold = await runScenario(scenario, { image, submissions, onEvent: (event) => coldEvents.push(event) })
  const lab = await upLiveLab(scenario, { name: `wc-${scenario.id}-${process.pid}`, image, impl: 'ts', submissions })
  try {
    // The second run as a watch's rerun: its entry points were started armed during the first.
    const warm = [
      await runWarm(lab, scenario, { again: true, onEvent: (event) => warmEvents.push(event) }),
      await runWarm(lab, scenario),
    ]
    // One event stream for both: the same kinds of events, and every line each run printed told once.
    expect(told(warmEvents).kinds).toEqual(told(coldEvents).kinds)
    expect(told(coldEvents).lines).toEqual(linesOf(cold))
    expect(told(warmEvents).lines).toEqual(linesOf(warm[0]))
    return { cold, warm }
  } finally {
    expect(await downLiveLab(lab)).toEqual([])
  }
}

afterAll(() => rm(state, { recursive: true, force: true }))

describe('warm and cold runs agree', { timeout: 600_000 }, () => {
  const cannot = catalog.map((s) => [s.id, whyNotWarm(s)] as const).filter(([, why]) => why)
  it('names the scenarios that cannot run warm, and why', () => {
    for (const [id, why] of cannot) console.log(`warm-cold: ${id} skipped: cannot run warm: ${why}`)
    expect(cannot.map(([id]) => id)).not.toContain('tcp-basic')
  })

  it.each(chosen.filter((s) => !whyNotWarm(s)).map((s) => [s.id, s] as const))('%s', async (_id, scenario) => {
    const { cold, warm } = await coldAndWarm(scenario)
    expect(cold.status).toBe('passed')
    for (const run of warm) expect(verdict(run)).toEqual(verdict(cold))
  })

  it("a watch's rerun starts its programs armed: no docker exec in a program container, and no program can open the FIFO", async () => {
    const scenario = catalog.find((s) => s.id === 'tcp-basic')!
    const lab = await upLiveLab(scenario, { name: `wc-armed-${process.pid}`, image, impl: 'ts', submissions: {} })
    try {
      const first = await runWarm(lab, scenario, { again: true })
      expect(first.status).toBe('passed')
      const hosts = await liveHosts(lab, ['client', 'server'])
      const [client, server] = [hosts.get('client')!.program, hosts.get('server')!.program]
      await waitFor(
        'the armed entry point',
        async () => (await $`docker top ${client} -o pid,args`).stdout.includes('lab-run'),
        10_000,
      )
      expect((await $`docker exec ${client} stat -c ${'%F %a %U'} /lab-sync/client.arm`).stdout.trim()).toBe(
        'fifo 600 root',
      )
      // as the program's user: refused at once (a reader that got in would block, and `timeout` would say 124)
      const stolen =
        await $`docker exec -u lab ${client} timeout 2 sh -c ${'read -r go < /lab-sync/client.arm'}`.nothrow()
      expect(stolen.exitCode).not.toBe(124)
      expect(stolen.stderr).toMatch(/Permission denied/)
      const since = Date.now() / 1000
      const second = await runWarm(lab, scenario)
      const until = Date.now() / 1000 + 1
      expect(verdict(second)).toEqual(verdict(first))
      const events =
        await $`docker events --since ${since.toFixed(3)} --until ${until.toFixed(3)} --filter container=${client} --filter container=${server} --format ${'{{.Action}}'}`
      expect(events.stdout.split('\n').filter((action) => action.startsWith('exec_create'))).toEqual([])
      // without `again`, nothing waits after the run: only the server it started serves on
      expect((await $`docker top ${client} -o pid,args`).stdout).not.toMatch(/lab-run/)
    } finally {
      expect(await downLiveLab(lab)).toEqual([])
    }
  })

  it('tcp-basic with a wrong greeting fails the same checks both ways', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-warm-cold-server-'))
    const file = path.join(dir, 'servidor.py')
    await writeFile(
      file,
      (await readFile(path.join(ROOT, 'services/programs/python/tcp-server.py'), 'utf8')).replace(
        'Bem-vindo ao servidor!',
        'Oi!',
      ),
    )
    try {
      const { cold, warm } = await coldAndWarm(
        catalog.find((s) => s.id === 'tcp-basic')!,
        { server: file },
      )
      expect(cold.status).toBe('failed')
      for (const run of warm) expect(verdict(run)).toEqual(verdict(cold))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
