// Submitted files are hostile: their names must not reach the compose file, a symbolic link must not be
// followed, and what they send must not break a report. Real labs run tcp-basic (and udp-basic) with them.
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { $ } from 'zx'
import { loadCatalog, selectScenarios } from '../engine/plan/catalog.ts'
import { ROOT } from '../engine/plan/layout.ts'
import { runScenario } from '../engine/runtime/run.ts'
import type { GradeRow } from '../engine/tasks/grade.ts'
import { JSON_LIMITS, type JsonReport } from '../reporters/json.ts'

const [tcpBasic] = selectScenarios(await loadCatalog(), ['tcp-basic'])
const image = inject('labImage')
const OK = path.join(ROOT, 'test/fixtures/submissions/servidor-ok.py')
/** A file only root can read, with a line a report must never show. */
const SECRET_FILE = '/etc/shadow'

describe('hostile submissions', { timeout: 120_000 }, () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-hostile-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('runs a program named ${SECRET}.py as itself, with SECRET set where compose runs', async () => {
    const named = path.join(dir, '${SECRET}.py')
    await cp(OK, named)
    process.env.SECRET = 'servidor-ok'
    try {
      const result = await runScenario(tcpBasic, { image, submissions: { server: named } })
      expect(result.checks.filter((c) => !c.passed)).toEqual([])
      expect(result.submissions.server).toBe(named)
    } finally {
      delete process.env.SECRET
    }
  })

  it('grades a class where one student\'s servidor.py links to /etc/shadow: that file is never read', async () => {
    for (const student of ['ana', 'bruno']) await mkdir(path.join(dir, 'turma', student), { recursive: true })
    await cp(OK, path.join(dir, 'turma/ana/servidor.py'))
    await symlink(SECRET_FILE, path.join(dir, 'turma/bruno/servidor.py'))
    const result = await $({ cwd: ROOT, nothrow: true, quiet: true, env: { ...process.env, NO_COLOR: '1' } })`npm run --silent lab -- grade tcp-basic --server ${`${dir}/turma/*/servidor.py`} --grades ${`${dir}/notas`}`
    expect(result.exitCode, result.stderr).toBe(0)
    const rows = JSON.parse(await readFile(path.join(dir, 'notas.json'), 'utf8')) as GradeRow[]
    expect(rows.map((r) => [r.student, r.verdict])).toEqual([['ana', 'passed']])
    const firstLine = (await readFile(SECRET_FILE, 'utf8')).split('\n')[0]
    expect(result.stdout + result.stderr + (await readFile(path.join(dir, 'notas.csv'), 'utf8'))).not.toContain(firstLine)
  })

  it('writes a valid, bounded JSON report of a server that blasts 1 KiB datagrams until both captures are full', async () => {
    const blast = path.join(ROOT, 'test/fixtures/submissions/servidor-udp-rajada-1k.py')
    const result = await $({ cwd: ROOT, nothrow: true, quiet: true, env: { ...process.env, NO_COLOR: '1' } })`npm run --silent lab -- udp-basic --server ${blast} --reporter json`
    expect(result.exitCode, result.stderr).toBe(1) // the server stopped serving: a failed check, not a crash of the lab (70)
    expect(result.stdout.length).toBeLessThan(16 * 1024 * 1024)
    const report = JSON.parse(result.stdout) as JsonReport
    const { server, client } = report.scenarios[0].hosts
    expect([server.packets?.length, client.packets?.length]).toEqual([JSON_LIMITS.packetsPerHost, JSON_LIMITS.packetsPerHost])
    expect(server.packetsCut).toBeGreaterThan(10_000)
    expect(report.cut.packets).toBe(server.packetsCut! + client.packetsCut!)
    expect(report.cut.payloadBytes).toBeGreaterThan(0)
  })

  it('refuses a symbolic link given with --server, before any lab comes up', async () => {
    const result = await $({ cwd: ROOT, nothrow: true, quiet: true, env: { ...process.env, NO_COLOR: '1' } })`npm run --silent lab -- tcp-basic --server ${`${dir}/turma/bruno/servidor.py`}`
    expect(result.exitCode).toBe(2)
    expect(result.stderr.trim()).toBe(`socket-lab: "${dir}/turma/bruno/servidor.py" is a symbolic link: give the program file itself (see \`npm run lab -- --help\`)`)
  })
})
