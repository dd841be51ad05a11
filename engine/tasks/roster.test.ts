import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findSubmissions } from './roster.ts'

describe('findSubmissions', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-grade-'))
    for (const student of ['ana', 'bruno', 'carla']) {
      await mkdir(path.join(dir, student))
      await writeFile(path.join(dir, student, 'servidor.py'), '')
    }
    await writeFile(path.join(dir, 'ana', 'cliente.py'), '')
    await mkdir(path.join(dir, 'davi'))
    await symlink('/etc/passwd', path.join(dir, 'davi', 'servidor.py'))
    await symlink(path.join(dir, 'ana'), path.join(dir, 'eva'))
    await mkdir(path.join(dir, 'fabio'))
    execFileSync('mkfifo', [path.join(dir, 'fabio', 'servidor.py')])
    await mkdir(path.join(dir, 'gil'))
    await writeFile(path.join(dir, 'gil', 'cliente.py'), '')
    await mkdir(path.join(dir, 'flat'))
    for (const name of [
      'ana_servidor.py',
      'ana_cliente.py',
      'bruno_servidor.py',
      'bruno_cliente.py',
      'carla_servidor.py',
    ])
      await writeFile(path.join(dir, 'flat', name), '')
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  const who = (found: Awaited<ReturnType<typeof findSubmissions>>) => found.map((s) => [s.student, s.refused ?? 'ok'])

  it('names each student after their folder and pairs their other files by folder', async () => {
    const found = await findSubmissions(
      { server: '{ana,bruno,carla}/servidor.py', client: '{ana,bruno,carla}/cliente.py' },
      dir,
    )
    expect(found.map((s) => s.student)).toEqual(['ana', 'bruno', 'carla'])
    expect(found[0]).toEqual({
      student: 'ana',
      files: { server: path.join(dir, 'ana/servidor.py'), client: path.join(dir, 'ana/cliente.py') },
    })
  })

  it('gives a student with no file for a host a row that says so, never the reference program (free points)', async () => {
    const found = await findSubmissions(
      { server: '{ana,bruno,gil}/servidor.py', client: '{ana,bruno,gil}/cliente.py' },
      dir,
    )
    expect(who(found)).toEqual([
      ['ana', 'ok'],
      ['bruno', "no client file: --client '{ana,bruno,gil}/cliente.py' matched none of bruno's"],
      ['gil', "no server file: --server '{ana,bruno,gil}/servidor.py' matched none of gil's"],
    ])
  })

  it("pairs a flat folder's files by the name the wildcard matched, never another student's", async () => {
    const found = await findSubmissions({ server: 'flat/*_servidor.py', client: 'flat/*_cliente.py' }, dir)
    expect(found.map((s) => [s.student, s.files.client && path.basename(s.files.client)])).toEqual([
      ['ana', 'ana_cliente.py'],
      ['bruno', 'bruno_cliente.py'],
      ['carla', undefined],
    ])
    expect(found[2].refused).toBe("no client file: --client 'flat/*_cliente.py' matched none of carla's")
  })

  it('refuses globs that cannot tell the students apart', async () => {
    await expect(findSubmissions({ server: 'flat/*_servidor.py', client: 'flat/ana_cliente.py' }, dir)).rejects.toThrow(
      "cannot pair the students' files: --server 'flat/*_servidor.py' has 1 wildcard, --client 'flat/ana_cliente.py' has 0 wildcards",
    )
    await expect(findSubmissions({ server: 'flat/*_servidor.py', client: 'flat/*_*.py' }, dir)).rejects.toThrow(
      "--client 'flat/*_*.py' has 2 wildcards",
    )
  })

  it('matches a symbolic link or a FIFO only to give its student a row that refuses it, unread', async () => {
    const refusals = [
      [
        'davi',
        `${path.join(dir, 'davi/servidor.py')} is a symbolic link (the lab follows none: commit the file itself)`,
      ],
      ['fabio', `${path.join(dir, 'fabio/servidor.py')} is a FIFO`],
    ]
    expect(who(await findSubmissions({ server: '*/servidor.py' }, dir))).toEqual([
      ['ana', 'ok'],
      ['bruno', 'ok'],
      ['carla', 'ok'],
      ...refusals,
    ])
    expect(who(await findSubmissions({ server: '**/servidor.py' }, dir))).toEqual([
      ['ana', 'ok'],
      ['bruno', 'ok'],
      ['carla', 'ok'],
      ...refusals,
    ])
  })

  it('matches folders with a glob that ends with /; a link to one is refused', async () => {
    const found = await findSubmissions({ server: '*/' }, dir)
    expect(who(found).filter(([s]) => s !== 'flat')).toEqual([
      ['ana', 'ok'],
      ['bruno', 'ok'],
      ['carla', 'ok'],
      ['davi', 'ok'],
      ['eva', `${path.join(dir, 'eva')} is a symbolic link to a folder (the lab follows none)`],
      ['fabio', 'ok'],
      ['gil', 'ok'],
    ])
    await expect(findSubmissions({ server: 'nada/*/' }, dir)).rejects.toThrow(
      'no folder matches nada/*/ (symbolic links are not followed)',
    )
  })

  it('says so when nothing matches', async () => {
    await expect(findSubmissions({ server: '*/nada.py' }, dir)).rejects.toThrow(
      'no file matches */nada.py (symbolic links are not followed)',
    )
  })
})
