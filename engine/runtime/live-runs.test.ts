import { spawnSync } from 'node:child_process'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { liveRunIds, markRunLive } from './live-runs.ts'

const roots: string[] = []
afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })))
})
async function folder(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-live-runs-test-'))
  roots.push(root)
  return path.join(root, 'socket-lab-live-runs')
}

it('marks runs live while they run, and the last one to end removes the folder', async () => {
  const dir = await folder()
  const [first, second] = await Promise.all([markRunLive('run-a', dir), markRunLive('run-b', dir)])
  expect(await liveRunIds(dir)).toEqual(new Set(['run-a', 'run-b']))
  await first()
  expect(await readdir(dir)).toEqual(['run-b'])
  await second()
  expect(await readdir(path.dirname(dir))).toEqual([])
  expect(await liveRunIds(dir)).toEqual(new Set())
})

it('marks a run while others end at the same moment: the folder is made again where it was removed', async () => {
  const dir = await folder()
  for (let round = 0; round < 20; round++) {
    const ending = await markRunLive(`ending-${round}`, dir)
    const [, unmark] = await Promise.all([ending(), markRunLive(`starting-${round}`, dir)])
    expect(await readdir(dir)).toEqual([`starting-${round}`])
    await unmark()
  }
})

it('forgets a run whose process is gone (killed): its file is removed', async () => {
  const dir = await folder()
  const unmark = await markRunLive('alive', dir)
  const dead = spawnSync(process.execPath, ['-p', 'process.pid'], { encoding: 'utf8' }).stdout.trim()
  await writeFile(path.join(dir, 'killed'), dead)
  expect(await liveRunIds(dir)).toEqual(new Set(['alive']))
  expect(await readdir(dir)).toEqual(['alive'])
  await unmark()
})
