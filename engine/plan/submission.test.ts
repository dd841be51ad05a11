import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { SUBMISSION_DIR, commandFor, entryPoint, stageSubmission } from './submission.ts'

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
  expect(await commandFor(await file('$(rm -rf)', '#!/bin/sh\necho oi\n', 0o755))).toEqual([
    `${SUBMISSION_DIR}/program`,
  ])
  expect(await commandFor(await file('Servidor.MJS', ''))).toEqual(['node', `${SUBMISSION_DIR}/program.mjs`])
})

it('refuses a symbolic link, to a file or to anything else, naming it', async () => {
  await symlink('/etc/passwd', path.join(dir, 'servidor.py'))
  await expect(commandFor(path.join(dir, 'servidor.py'))).rejects.toThrow(
    `"${path.join(dir, 'servidor.py')}" is a symbolic link: give the program file itself`,
  )
  await expect(stageSubmission('server', path.join(dir, 'servidor.py'), path.join(dir, 'work2'))).rejects.toMatchObject(
    { name: 'LabError', exitCode: 2 },
  )
  await expect(readdir(path.join(dir, 'work2'))).rejects.toThrow('ENOENT')
})

it('refuses what is not a regular file, a missing file, and a file it cannot tell how to run', async () => {
  const empty = path.join(dir, 'vazia')
  await mkdir(empty)
  await expect(commandFor(empty)).rejects.toThrow(`no program in "${empty}" (a .py, .js, .mjs, .cjs or .ts file)`)
  await expect(commandFor('/dev/zero')).rejects.toThrow('cannot read the program "/dev/zero": not a regular file')
  await expect(commandFor(path.join(dir, 'nada.py'))).rejects.toThrow(
    `cannot read the program "${path.join(dir, 'nada.py')}": no such file`,
  )
  await expect(commandFor(await file('servidor', '#!/bin/sh\n'))).rejects.toThrow('cannot tell how to run')
})

it('stages a folder: its only program, or main.*, as the program, and its other files beside it under their own names', async () => {
  const folder = path.join(dir, 'ana')
  await mkdir(folder)
  await writeFile(path.join(folder, 'servidor.py'), 'import protocolo\n')
  await writeFile(path.join(folder, 'protocolo.txt'), 'PORTA = 12345\n')
  await symlink('/etc/passwd', path.join(folder, 'senhas.txt'))
  // A link is refused, naming it (the program may need it; the lab never opens one): not passed over in silence.
  await expect(stageSubmission('server', folder, path.join(dir, 'work-ana'))).rejects.toThrow(
    `"${path.join(folder, 'senhas.txt')}" is a symbolic link (the lab follows none: commit the file itself)`,
  )
  await rm(path.join(folder, 'senhas.txt'))
  const staged = await stageSubmission('server', folder, path.join(dir, 'work-ana'))
  expect(staged.command).toEqual(['python3', `${SUBMISSION_DIR}/program.py`])
  expect((await readdir(staged.dir)).sort()).toEqual(['program.py', 'protocolo.txt'])
  await writeFile(path.join(folder, 'outro.py'), '')
  await expect(entryPoint(folder)).rejects.toThrow(
    `several programs in "${folder}" (outro.py, servidor.py): name the entry point main.py (or main.js…), or give grade --entry NAME`,
  )
  expect((await entryPoint(folder, 'servidor.py')).entry).toBe(path.join(folder, 'servidor.py'))
  await writeFile(path.join(folder, 'main.py'), '')
  expect((await entryPoint(folder)).entry).toBe(path.join(folder, 'main.py'))
  expect(await commandFor(folder)).toEqual(['python3', `${SUBMISSION_DIR}/program.py`])
})
