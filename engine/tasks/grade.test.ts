import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findSubmissions, gradesCsv, type GradeRow } from './grade.ts'

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

  it('says so when nothing matches', async () => {
    await expect(findSubmissions({ server: '*/nada.py' }, dir)).rejects.toThrow('no file matches */nada.py (symbolic links are not followed)')
  })
})

it('writes one CSV row per student, quoting what needs quoting', () => {
  const row: GradeRow = { student: 'ana', verdict: 'failed', checksPassed: 3, checksTotal: 5, hint: 'use bind(("0.0.0.0", 12345)), not localhost', elapsedS: 4.2, files: { server: '/e/ana/servidor.py' } }
  expect(gradesCsv([row])).toBe('student,verdict,checks_passed,checks_total,hint,elapsed_s,files\nana,failed,3,5,"use bind((""0.0.0.0"", 12345)), not localhost",4.2,server=/e/ana/servidor.py\n')
})
