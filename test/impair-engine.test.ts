// The userspace impairment engine (services/bin/lab-impair.py) survives a packet it cannot copy as it is, and a
// run whose engine died anyway fails, saying so: with the queue's --queue-bypass, every packet after its death
// passed unimpaired and the run was judged as if the fault held.
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, inject, it } from 'vitest'
import { $ } from 'zx'
import { loadCatalog, selectScenarios } from '../engine/plan/catalog.ts'
import { runScenario } from '../engine/runtime/run.ts'
import { FIXTURE_SCENARIOS } from './lab-process.ts'

const [bigDatagram] = selectScenarios(await loadCatalog(FIXTURE_SCENARIOS), ['impair-big-datagram'])
const image = inject('labImage')

/** The projects of this scenario's labs on this machine now. */
async function projectsOf(scenario: string): Promise<Set<string>> {
  const found = await $({
    quiet: true,
  })`docker ps -a --filter label=socket-lab.scenario=${scenario} --format ${'{{.Label "com.docker.compose.project"}}'}`
  return new Set(found.stdout.split('\n').filter(Boolean))
}

/** The id of a container of the one lab of this scenario that is not in `before`, once there is one. */
async function containerOf(
  scenario: string,
  before: Set<string>,
  service: string,
  deadlineMs = 30_000,
): Promise<string> {
  const until = Date.now() + deadlineMs
  for (;;) {
    const rows = (
      await $({
        quiet: true,
      })`docker ps -a --filter label=socket-lab.scenario=${scenario} --filter label=com.docker.compose.service=${service} --format ${'{{.ID}} {{.Label "com.docker.compose.project"}}'}`
    ).stdout
      .split('\n')
      .filter(Boolean)
    const id = rows.map((row) => row.split(' ')).find(([, project]) => !before.has(project))?.[0]
    if (id) return id
    if (Date.now() > until) throw new Error(`no ${service} container of ${scenario} after ${deadlineMs} ms`)
    await sleep(100)
  }
}

describe('the impairment engine', { timeout: 120_000 }, () => {
  it('duplicates a 2000-byte datagram (its copy fragmented) and every datagram after it', async () => {
    const result = await runScenario(bigDatagram, { image })
    expect(result.run.problems).toEqual([])
    expect(result.checks.filter((c) => !c.passed)).toEqual([])
    expect(result.run.hosts.client.impairedBy).toBe('userspace')
    expect(result.run.hosts.client.faultCounters).toMatchObject({ duplicate: 100 })
    expect(result.run.hosts.client.faultCounters?.['duplicate-unsent']).toBeUndefined()
  })

  it('fails the run when it dies: the sidecar notices and says why', async () => {
    const client = bigDatagram.hosts.client.run as { command: string[]; files: string[] }
    const slow = {
      ...bigDatagram,
      hosts: { ...bigDatagram.hosts, client: { run: { ...client, command: [...client.command, '4', 'small-only'] } } },
    }
    const before = await projectsOf(bigDatagram.id)
    const running = runScenario(slow, { image })
    try {
      const sidecar = await containerOf(bigDatagram.id, before, 'client-net')
      const program = await containerOf(bigDatagram.id, before, 'client')
      // Killed by its pid, found in the sidecar (a container of this run alone), a second after the client started.
      const find = `for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null | grep -q '^python3 /usr/local/bin/lab-impair.py' && echo \${p#/proc/}; done`
      for (let tries = 0; ; tries++) {
        const pid = (await $({ quiet: true, nothrow: true })`docker exec ${sidecar} sh -c ${find}`).stdout
          .trim()
          .split('\n')[0]
        if (
          pid &&
          (await $({ quiet: true, nothrow: true })`docker logs ${program}`).stderr.includes('lab-run: start')
        ) {
          await sleep(1000)
          await $({ quiet: true })`docker exec ${sidecar} kill -KILL ${pid}`
          break
        }
        if (tries > 300) throw new Error('the impairment engine never ran')
        await sleep(100)
      }
    } finally {
      await running.catch(() => undefined) // the lab is torn down on every path
    }
    const result = await running
    expect(result.status).toBe('failed')
    expect(result.run.problems).toContainEqual({
      kind: 'sidecar',
      host: 'client',
      text: 'the network sidecar of client failed: the impairment engine of client died: killed by SIGKILL',
    })
  })
})
