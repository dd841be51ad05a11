import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { prepareCaptureDir } from './capture-dir.ts'

const dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-capture-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

it('makes the folder and its missing parents, and leaves nothing else in it', async () => {
  await prepareCaptureDir(path.join(dir, 'a/b/c'))
  expect(await readdir(path.join(dir, 'a/b/c'))).toEqual([])
  await prepareCaptureDir(path.join(dir, 'a/b/c'))
})

it('refuses a folder under /proc at once, where a recursive mkdir spins forever', async () => {
  await expect(prepareCaptureDir('/proc/x')).rejects.toThrow(
    '--capture cannot use the folder "/proc/x": cannot create /proc/x (ENOENT) (see `npm run lab -- --help`)',
  )
  await expect(prepareCaptureDir('/proc/x/y')).rejects.toMatchObject({ name: 'LabError', exitCode: 2 })
})

it('refuses a file in the way, and a folder it cannot write in', async () => {
  await writeFile(path.join(dir, 'file'), '')
  await expect(prepareCaptureDir(path.join(dir, 'file/sub'))).rejects.toThrow(
    `--capture cannot use the folder "${path.join(dir, 'file/sub')}": ${path.join(dir, 'file')} is not a folder`,
  )
  await expect(prepareCaptureDir('/proc')).rejects.toThrow(
    '--capture cannot use the folder "/proc": cannot write in it (',
  )
  if (process.getuid?.() !== 0) {
    await chmod(dir, 0o500)
    await expect(prepareCaptureDir(path.join(dir, 'new'))).rejects.toThrow('(EACCES)')
    await chmod(dir, 0o700)
  }
})
