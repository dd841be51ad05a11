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
import type { GradeRow } from '../engine/model/grade.ts'
import { JSON_LIMITS, type JsonReport } from '../reporters/json.ts'

const [tcpBasic] = selectScenarios(await loadCatalog(), ['tcp-basic'])
const image = inject('labImage')
const OK = path.join(ROOT, 'test/fixtures/submissions/servidor-ok.py')
/** A file only root can read, with a line a report must never show. */
const SECRET_FILE = '/etc/shadow'
/** A correct tcp-basic client, as a student would hand it in: the guide's own. */
const CLIENT = path.join(ROOT, 'services/programs/python/tcp-client.py')

const grade = (...args: string[]) =>
  $({
    cwd: ROOT,
    nothrow: true,
    quiet: true,
    env: { ...process.env, NO_COLOR: '1' },
  })`npm run --silent lab -- grade ${args}`
const rowsOf = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as GradeRow[]

describe('hostile submissions', { timeout: 180_000 }, () => {
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

  it("grades a class where one student's servidor.py links to /etc/shadow: that file is never read, and the row says why", async () => {
    for (const student of ['ana', 'bruno']) await mkdir(path.join(dir, 'turma', student), { recursive: true })
    await cp(OK, path.join(dir, 'turma/ana/servidor.py'))
    await symlink(SECRET_FILE, path.join(dir, 'turma/bruno/servidor.py'))
    const result = await grade('tcp-basic', '--server', `${dir}/turma/*/servidor.py`, '--grades', `${dir}/notas`)
    expect(result.exitCode, result.stderr).toBe(1)
    const rows = await rowsOf(`${dir}/notas.json`)
    expect(rows.map((r) => [r.student, r.verdict, r.hint])).toEqual([
      ['ana', 'passed', ''],
      [
        'bruno',
        'error',
        `${dir}/turma/bruno/servidor.py is a symbolic link (the lab follows none: commit the file itself)`,
      ],
    ])
    const firstLine = (await readFile(SECRET_FILE, 'utf8')).split('\n')[0]
    expect(result.stdout + result.stderr + (await readFile(path.join(dir, 'notas.csv'), 'utf8'))).not.toContain(
      firstLine,
    )
  })

  it('grades folders where one student links to /dev/zero and one has a FIFO: their rows say so, the class goes on', async () => {
    // Hashing the folders for --resume must not read /dev/zero (without end, into memory) nor block on the FIFO.
    const class_ = path.join(dir, 'pastas')
    for (const student of ['ana', 'bruno', 'carla']) {
      await mkdir(path.join(class_, student), { recursive: true })
      await cp(OK, path.join(class_, student, 'main.py'))
    }
    await symlink('/dev/zero', path.join(class_, 'bruno', 'dados.txt'))
    await $`mkfifo ${path.join(class_, 'carla', 'fila.txt')}`
    const result = await grade('tcp-basic', '--server', `${class_}/*/`, '--grades', `${dir}/pastas-notas`)
    expect(result.exitCode, result.stderr).toBe(1)
    expect((await rowsOf(`${dir}/pastas-notas.json`)).map((r) => [r.student, r.verdict, r.hint])).toEqual([
      ['ana', 'passed', ''],
      [
        'bruno',
        'error',
        `"${class_}/bruno/dados.txt" is a symbolic link (the lab follows none: commit the file itself)`,
      ],
      ['carla', 'error', `"${class_}/carla/fila.txt" is a FIFO`],
    ])
  })

  it('never gives a student the reference client in place of the one they did not hand in, nor drops a client-only student', async () => {
    const class_ = path.join(dir, 'pares')
    for (const student of ['ana', 'bruno', 'carla']) await mkdir(path.join(class_, student), { recursive: true })
    await cp(OK, path.join(class_, 'ana/servidor.py'))
    await cp(CLIENT, path.join(class_, 'ana/cliente.py'))
    await cp(OK, path.join(class_, 'bruno/servidor.py'))
    await cp(CLIENT, path.join(class_, 'carla/cliente.py'))
    const result = await grade(
      'tcp-basic',
      '--server',
      `${class_}/*/servidor.py`,
      '--client',
      `${class_}/*/cliente.py`,
      '--grades',
      `${dir}/pares-notas`,
    )
    expect(result.exitCode, result.stderr).toBe(1)
    expect((await rowsOf(`${dir}/pares-notas.json`)).map((r) => [r.student, r.verdict, r.score, r.hint])).toEqual([
      ['ana', 'passed', 5, ''],
      ['bruno', 'error', 0, `no client file: --client '${class_}/*/cliente.py' matched none of bruno's`],
      ['carla', 'error', 0, `no server file: --server '${class_}/*/servidor.py' matched none of carla's`],
    ])
  })

  it("pairs a flat folder's files by student: each runs with their own client, never the first name's", async () => {
    // ana's client talks to the wrong port; bruno's is correct: were bruno given ana's client, both would fail.
    const flat = path.join(dir, 'plana')
    await mkdir(flat, { recursive: true })
    await cp(OK, path.join(flat, 'ana_servidor.py'))
    await cp(path.join(ROOT, 'test/fixtures/submissions/cliente-porta-errada.py'), path.join(flat, 'ana_cliente.py'))
    await cp(OK, path.join(flat, 'bruno_servidor.py'))
    await cp(CLIENT, path.join(flat, 'bruno_cliente.py'))
    const result = await grade(
      'tcp-basic',
      '--server',
      `${flat}/*_servidor.py`,
      '--client',
      `${flat}/*_cliente.py`,
      '--grades',
      `${dir}/plana-notas`,
    )
    expect(result.exitCode, result.stderr).toBe(1)
    const rows = await rowsOf(`${dir}/plana-notas.json`)
    expect(rows.map((r) => [r.student, r.verdict, path.basename(r.files.client)])).toEqual([
      ['ana', 'failed', 'ana_cliente.py'],
      ['bruno', 'passed', 'bruno_cliente.py'],
    ])
    const unpaired = await grade(
      'tcp-basic',
      '--server',
      `${flat}/*_servidor.py`,
      '--client',
      `${flat}/ana_cliente.py`,
      '--grades',
      `${dir}/plana-notas`,
    )
    expect(unpaired.exitCode).toBe(2)
    expect(unpaired.stderr.trim()).toMatch(
      /^socket-lab: cannot pair the students' files: --server '.*' has 1 wildcard, --client '.*' has 0 wildcards;/,
    )
  })

  it('writes a valid, bounded JSON report of a server that blasts 1 KiB datagrams until both captures are full', async () => {
    const blast = path.join(ROOT, 'test/fixtures/submissions/servidor-udp-rajada-1k.py')
    const result = await $({
      cwd: ROOT,
      nothrow: true,
      quiet: true,
      env: { ...process.env, NO_COLOR: '1' },
    })`npm run --silent lab -- udp-basic --server ${blast} --reporter json`
    expect(result.exitCode, result.stderr).toBe(1) // the server stopped serving: a failed check, not a crash of the lab (70)
    expect(result.stdout.length).toBeLessThan(16 * 1024 * 1024)
    const report = JSON.parse(result.stdout) as JsonReport
    const { server, client } = report.scenarios[0].hosts
    expect([server.packets?.length, client.packets?.length]).toEqual([
      JSON_LIMITS.packetsPerHost,
      JSON_LIMITS.packetsPerHost,
    ])
    expect(server.packetsCut).toBeGreaterThan(10_000)
    expect(report.cut.packets).toBe(server.packetsCut! + client.packetsCut!)
    expect(report.cut.payloadBytes).toBeGreaterThan(0)
  })

  it('refuses a symbolic link given with --server, before any lab comes up', async () => {
    const result = await $({
      cwd: ROOT,
      nothrow: true,
      quiet: true,
      env: { ...process.env, NO_COLOR: '1' },
    })`npm run --silent lab -- tcp-basic --server ${`${dir}/turma/bruno/servidor.py`}`
    expect(result.exitCode).toBe(2)
    expect(result.stderr.trim()).toBe(
      `socket-lab: "${dir}/turma/bruno/servidor.py" is a symbolic link: give the program file itself`,
    )
  })
})
