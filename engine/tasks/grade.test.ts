import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findSubmissions } from './grade.ts'

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
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('names each student after their folder and pairs their other files by folder', async () => {
    const found = await findSubmissions({ server: '*/servidor.py', client: '*/cliente.py' }, dir)
    expect(found.map((s) => s.student)).toEqual(['ana', 'bruno', 'carla'])
    expect(found[0].files).toEqual({ server: path.join(dir, 'ana/servidor.py'), client: path.join(dir, 'ana/cliente.py') })
    expect(found[1].files).toEqual({ server: path.join(dir, 'bruno/servidor.py') })
  })

  it('matches no symbolic link, to a file or to a folder', async () => {
    expect((await findSubmissions({ server: '*/servidor.py' }, dir)).map((s) => s.student)).toEqual(['ana', 'bruno', 'carla'])
    expect((await findSubmissions({ server: '**/servidor.py' }, dir)).map((s) => s.student)).toEqual(['ana', 'bruno', 'carla'])
  })

  it('matches folders with a glob that ends with /, never a link to one', async () => {
    const found = await findSubmissions({ server: '*/' }, dir)
    expect(found.map((s) => [s.student, s.files.server])).toEqual(['ana', 'bruno', 'carla', 'davi'].map((s) => [s, path.join(dir, s)]))
    await expect(findSubmissions({ server: 'nada/*/' }, dir)).rejects.toThrow('no folder matches nada/*/ (symbolic links are not followed)')
  })

  it('says so when nothing matches', async () => {
    await expect(findSubmissions({ server: '*/nada.py' }, dir)).rejects.toThrow('no file matches */nada.py (symbolic links are not followed)')
  })
})
