import { chmod, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { SUBMISSION_DIR, commandFor, stageSubmission } from './submission.ts'

const dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-submission-'))
afterAll(() => rm(dir, { recursive: true, force: true }))
const file = async (name: string, content: string, mode = 0o644) => {
  await writeFile(path.join(dir, name), content)
  await chmod(path.join(dir, name), mode)
  return path.join(dir, name)
}

it('stages a program under a fixed name, so that its own name (${SECRET}.py) never reaches the compose file', async () => {
  const source = await file('${SECRET}.py', 'print("oi")\n')
  const staged = await stageSubmission('server', source, path.join(dir, 'work'))
  expect(staged.command).toEqual(['python3', `${SUBMISSION_DIR}/program.py`])
  expect(await readdir(staged.dir)).toEqual(['program.py'])
  expect(await readFile(path.join(staged.dir, 'program.py'), 'utf8')).toBe('print("oi")\n')
  expect(staged.source).toBe(source)
})

it('stages an executable #! file as `program`, and keeps a known extension whatever its case', async () => {
  expect(await commandFor(await file('$(rm -rf)', '#!/bin/sh\necho oi\n', 0o755))).toEqual([`${SUBMISSION_DIR}/program`])
  expect(await commandFor(await file('Servidor.MJS', ''))).toEqual(['node', `${SUBMISSION_DIR}/program.mjs`])
})

it('refuses a symbolic link, to a file or to anything else, naming it', async () => {
  await symlink('/etc/passwd', path.join(dir, 'servidor.py'))
  await expect(commandFor(path.join(dir, 'servidor.py'))).rejects.toThrow(`"${path.join(dir, 'servidor.py')}" is a symbolic link: give the program file itself (see \`npm run lab -- --help\`)`)
  await expect(stageSubmission('server', path.join(dir, 'servidor.py'), path.join(dir, 'work2'))).rejects.toMatchObject({ name: 'LabError', exitCode: 2 })
  await expect(readdir(path.join(dir, 'work2'))).rejects.toThrow('ENOENT')
})

it('refuses what is not a regular file, a missing file, and a file it cannot tell how to run', async () => {
  await expect(commandFor(dir)).rejects.toThrow(`cannot read the program "${dir}": not a regular file`)
  await expect(commandFor('/dev/zero')).rejects.toThrow('cannot read the program "/dev/zero": not a regular file')
  await expect(commandFor(path.join(dir, 'nada.py'))).rejects.toThrow(`cannot read the program "${path.join(dir, 'nada.py')}": no such file`)
  await expect(commandFor(await file('servidor', '#!/bin/sh\n'))).rejects.toThrow('cannot tell how to run')
})
