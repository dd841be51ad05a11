import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { expect, it } from 'vitest'
import type { GradeRow } from '../model/grade.ts'
import { reusable, submissionHash } from './resume.ts'

const row = (over: Partial<GradeRow>): GradeRow => ({
  student: 'ana',
  verdict: 'passed',
  checksPassed: 5,
  checksTotal: 5,
  score: 5,
  maxScore: 5,
  hitDeadline: false,
  hint: '',
  elapsedS: 4,
  files: {},
  hash: 'h1',
  ...over,
})

it('keeps a row while the files are the same; --only-failed keeps passes only; an error row never', () => {
  expect(reusable([row({})], 'ana', 'h1', 'resume')).toEqual(row({}))
  expect(reusable([row({})], 'ana', 'h2', 'resume')).toBeUndefined()
  expect(reusable([row({ verdict: 'failed' })], 'ana', 'h1', 'resume')?.verdict).toBe('failed')
  expect(reusable([row({ verdict: 'failed' })], 'ana', 'h1', 'only-failed')).toBeUndefined()
  expect(reusable([row({ verdict: 'error' })], 'ana', 'h1', 'resume')).toBeUndefined()
  expect(reusable([row({})], 'bruno', 'h1', 'resume')).toBeUndefined()
})

it('hashes every host file by content; a missing file is refused', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-hash-'))
  try {
    await writeFile(path.join(dir, 'a.py'), 'print(1)')
    await writeFile(path.join(dir, 'b.py'), 'print(1)')
    expect(await submissionHash({ server: path.join(dir, 'a.py') })).toBe(
      await submissionHash({ server: path.join(dir, 'b.py') }),
    )
    expect(await submissionHash({ server: path.join(dir, 'a.py') })).not.toBe(
      await submissionHash({ client: path.join(dir, 'a.py') }),
    )
    // A row graded under another points table, scenario or parameter is not kept by --resume.
    expect(await submissionHash({ server: path.join(dir, 'a.py') }, '{"grading":{"a":1}}')).not.toBe(
      await submissionHash({ server: path.join(dir, 'a.py') }, '{"grading":{"a":2}}'),
    )
    await expect(submissionHash({ server: path.join(dir, 'x.py') })).rejects.toThrow(
      `cannot read the program "${path.join(dir, 'x.py')}": no such file`,
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

it('reads a folder as staging does: never through a link, never blocking on a FIFO, bounded; .git and subfolders passed over', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-hash-'))
  try {
    const ana = path.join(dir, 'ana')
    await mkdir(path.join(ana, '.git'), { recursive: true })
    await mkdir(path.join(ana, 'notas'))
    await writeFile(path.join(ana, 'servidor.py'), 'print(1)')
    const before = await submissionHash({ server: ana })
    await writeFile(path.join(ana, '.git', 'HEAD'), 'ref: x')
    await writeFile(path.join(ana, 'notas', 'a.txt'), 'x')
    expect(await submissionHash({ server: ana })).toBe(before)
    await writeFile(path.join(ana, 'util.py'), 'x = 1')
    expect(await submissionHash({ server: ana })).not.toBe(before)

    // A link to /dev/zero would be read without end, a FIFO would block the read for good: both are refused at once, unread.
    await symlink('/dev/zero', path.join(ana, 'zero.py'))
    await expect(submissionHash({ server: ana })).rejects.toThrow(
      `"${path.join(ana, 'zero.py')}" is a symbolic link (the lab follows none: commit the file itself)`,
    )
    await rm(path.join(ana, 'zero.py'))
    execFileSync('mkfifo', [path.join(ana, 'fila.py')])
    await expect(submissionHash({ server: ana })).rejects.toThrow(`"${path.join(ana, 'fila.py')}" is a FIFO`)
    await expect(submissionHash({ server: path.join(ana, 'fila.py') })).rejects.toThrow('not a regular file')
    await rm(path.join(ana, 'fila.py'))
    await writeFile(path.join(ana, 'dados.bin'), Buffer.alloc(11 * 1024 * 1024))
    await expect(submissionHash({ server: ana })).rejects.toThrow('larger than 10 MiB')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
