// `grade --engines`: the class spread over two Docker engines. Both are this machine's daemon, reached two
// ways: its own socket, and a second unix socket proxied to it by this test (node:net, no TCP listener), whose
// connections prove the second child really talked through it.
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { $ } from 'zx'
import type { GradeRow } from '../engine/model/grade.ts'
import { ROOT } from '../engine/plan/layout.ts'

const DAEMON_SOCKET = '/var/run/docker.sock'
const CLASS = {
  ana: 'servidor-ok.py',
  bruno: 'servidor-localhost.py',
  carla: 'servidor-ok.py',
  davi: 'servidor-porta-errada.py',
  elis: 'servidor-ok.py',
}

/** A unix socket that forwards every connection to the daemon's, counting them. */
async function socketProxy(at: string): Promise<{ connections: () => number; close: () => Promise<void> }> {
  let connections = 0
  const server = net.createServer((client) => {
    connections++
    const daemon = net.connect(DAEMON_SOCKET)
    client.pipe(daemon).pipe(client)
    client.on('error', () => daemon.destroy())
    daemon.on('error', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(at, resolve))
  return { connections: () => connections, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

describe('npm run lab -- grade --engines', { timeout: 240_000 }, () => {
  let dir = ''
  let proxy: Awaited<ReturnType<typeof socketProxy>> | undefined
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-engines-'))
    for (const [student, fixture] of Object.entries(CLASS)) {
      await mkdir(path.join(dir, student))
      await cp(path.join(ROOT, 'test/fixtures/submissions', fixture), path.join(dir, student, 'servidor.py'))
    }
  })
  afterAll(async () => {
    await proxy?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('spreads the class over two engines, each at its own parallelism, and merges the rows in order', async () => {
    proxy = await socketProxy(path.join(dir, 'docker-2.sock'))
    const engines = `unix://${DAEMON_SOCKET}=2,unix://${path.join(dir, 'docker-2.sock')}=1`
    const result = await $({
      cwd: ROOT,
      nothrow: true,
      quiet: true,
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
    })`npm run --silent lab -- grade tcp-basic --server ${`${dir}/*/servidor.py`} --grades ${`${dir}/notas`} --engines ${engines}`
    expect(result.exitCode, result.stderr).toBe(1)
    // Shared by work per lab slot: 2 slots on the first engine, 1 on the second.
    expect(result.stdout).toContain(
      `» grading 5 submissions on 2 engines: unix://${DAEMON_SOCKET} (3, 2 at a time), unix://${path.join(dir, 'docker-2.sock')} (2, 1 at a time)`,
    )
    const rows = JSON.parse(await readFile(path.join(dir, 'notas.json'), 'utf8')) as GradeRow[]
    expect(rows.map((r) => [r.student, r.verdict])).toEqual([
      ['ana', 'passed'],
      ['bruno', 'failed'],
      ['carla', 'passed'],
      ['davi', 'failed'],
      ['elis', 'passed'],
    ])
    expect(rows.every((r) => r.hash?.length === 64)).toBe(true)
    expect(proxy.connections()).toBeGreaterThan(0)
    expect(result.stdout).toMatch(/^» 3\/5 passed in [\d.]+ m?s$/m)
    // The children's own files are merged and gone.
    expect((await $({ quiet: true })`ls ${dir}`).stdout.split('\n').filter((f) => f.startsWith('notas'))).toEqual([
      'notas.csv',
      'notas.json',
    ])
    expect(result.stdout).not.toContain('{"index"') // the children's row lines are data for the parent, not output
    for (const project of rows.map((r) => r.project!)) {
      const left = await $({ quiet: true })`docker ps -aq --filter label=com.docker.compose.project=${project}`
      expect(left.stdout, project).toBe('')
    }
  })

  it('keeps every finished row when an engine is dead, names whom it could not grade, and --resume grades just those', async () => {
    const dead = `unix://${path.join(dir, 'no-daemon.sock')}`
    const result = await $({
      cwd: ROOT,
      nothrow: true,
      quiet: true,
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
    })`npm run --silent lab -- grade tcp-basic --server ${`${dir}/*/servidor.py`} --grades ${`${dir}/falha/notas`} --engines ${`unix://${DAEMON_SOCKET}=2,${dead}=1`}`
    expect(result.exitCode, result.stderr).toBe(2)
    const cause = `grading on engine ${dead} failed: the Docker daemon is not running`
    expect(result.stderr.trim()).toMatch(new RegExp(`^socket-lab: ${cause}`))
    expect(result.stdout).toContain('» not graded (2): bruno, elis; `--resume` grades them again and keeps the rest')
    // --grades' folder did not exist: it is made, so the rows are not lost at the end.
    const rows = JSON.parse(await readFile(path.join(dir, 'falha/notas.json'), 'utf8')) as GradeRow[]
    expect(rows.map((r) => [r.student, r.verdict])).toEqual([
      ['ana', 'passed'],
      ['bruno', 'error'],
      ['carla', 'passed'],
      ['davi', 'failed'],
      ['elis', 'error'],
    ])
    expect(rows[1].hint).toMatch(new RegExp(`^not graded: ${cause}`))

    // From the lab's own command in the class folder, with no INIT_CWD (no npm): the relative glob is the teacher's.
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CI: '1' }
    delete env.INIT_CWD
    const resumed = await $({
      cwd: dir,
      nothrow: true,
      quiet: true,
      env,
    })`node ${path.join(ROOT, 'bin/socket-lab.mjs')} grade tcp-basic --server ${'*/servidor.py'} --grades ${'falha/notas'} --resume --engines ${`unix://${DAEMON_SOCKET}=2`}`
    expect(resumed.exitCode, resumed.stderr).toBe(1)
    expect(resumed.stdout).toContain(
      `» grading 2 submissions on 1 engine: unix://${DAEMON_SOCKET} (2, 2 at a time) (3 kept or refused)`,
    )
    const again = JSON.parse(await readFile(path.join(dir, 'falha/notas.json'), 'utf8')) as GradeRow[]
    expect(again.map((r) => [r.student, r.verdict])).toEqual([
      ['ana', 'passed'],
      ['bruno', 'failed'],
      ['carla', 'passed'],
      ['davi', 'failed'],
      ['elis', 'passed'],
    ])
  })

  it('exits 2 with one line for an engine that is no context', async () => {
    const result = await $({
      cwd: ROOT,
      nothrow: true,
      quiet: true,
    })`npm run --silent lab -- grade tcp-basic --server ${`${dir}/*/servidor.py`} --engines no-such-context`
    expect(result.exitCode).toBe(2)
    expect(result.stderr.trim()).toBe(
      'socket-lab: --engines: no docker context "no-such-context"; `docker context ls` lists them (see `npm run lab -- --help`)',
    )
  })
})
