import { spawn, spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises'
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

/** A process that lives while the test runs: one whose pid a marker may name. */
function sleeper(): { pid: number; [Symbol.dispose](): void } {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' })
  return { pid: child.pid!, [Symbol.dispose]: () => child.kill() }
}

it('forgets a run whose pid another process took since (a pid alone, as an older version wrote it): that process started after the marker', async () => {
  const dir = await folder()
  const unmark = await markRunLive('alive', dir)
  using reused = sleeper()
  await writeFile(path.join(dir, 'killed-long-ago'), String(reused.pid))
  const anHourAgo = new Date(Date.now() - 3600_000)
  await utimes(path.join(dir, 'killed-long-ago'), anHourAgo, anHourAgo)
  expect(await liveRunIds(dir)).toEqual(new Set(['alive']))
  expect(await readdir(dir)).toEqual(['alive'])
  await unmark()
})

it('forgets a run whose marker names another start of its pid, and keeps one written by its own process', async () => {
  const dir = await folder()
  using other = sleeper()
  await markRunLive('reused', dir, { pid: other.pid, started: '1' })
  const unmark = await markRunLive('alive', dir)
  expect(await liveRunIds(dir)).toEqual(new Set(['alive']))
  expect(await readdir(dir)).toEqual(['alive'])
  await unmark()
})

it('forgets a marker that names no process, and leaves one being written alone until it is old', async () => {
  const dir = await folder()
  await mkdir(dir, { recursive: true })
  await writeFile(path.join(dir, 'garbled'), 'not a pid')
  await writeFile(path.join(dir, 'starting.part'), '')
  expect(await liveRunIds(dir)).toEqual(new Set())
  expect(await readdir(dir)).toEqual(['starting.part'])
})
