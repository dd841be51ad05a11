import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { expect, it } from 'vitest'
import type { GradeRow } from '../model/grade.ts'
import { reusable, submissionHash } from './resume.ts'

const row = (over: Partial<GradeRow>): GradeRow => ({ student: 'ana', verdict: 'passed', checksPassed: 5, checksTotal: 5, score: 5, maxScore: 5, hitDeadline: false, hint: '', elapsedS: 4, files: {}, hash: 'h1', ...over })

it('keeps a row while the files are the same; --only-failed keeps passes only; an error row never', () => {
  expect(reusable([row({})], 'ana', 'h1', 'resume')).toEqual(row({}))
  expect(reusable([row({})], 'ana', 'h2', 'resume')).toBeUndefined()
  expect(reusable([row({ verdict: 'failed' })], 'ana', 'h1', 'resume')?.verdict).toBe('failed')
  expect(reusable([row({ verdict: 'failed' })], 'ana', 'h1', 'only-failed')).toBeUndefined()
  expect(reusable([row({ verdict: 'error' })], 'ana', 'h1', 'resume')).toBeUndefined()
  expect(reusable([row({})], 'bruno', 'h1', 'resume')).toBeUndefined()
})

it('hashes every host file by content, and a missing file never matches', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-hash-'))
  try {
    await writeFile(path.join(dir, 'a.py'), 'print(1)')
    await writeFile(path.join(dir, 'b.py'), 'print(1)')
    expect(await submissionHash({ server: path.join(dir, 'a.py') })).toBe(await submissionHash({ server: path.join(dir, 'b.py') }))
    expect(await submissionHash({ server: path.join(dir, 'a.py') })).not.toBe(await submissionHash({ client: path.join(dir, 'a.py') }))
    expect(await submissionHash({ server: path.join(dir, 'x.py') })).not.toBe(await submissionHash({ server: path.join(dir, 'x.py') }))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
