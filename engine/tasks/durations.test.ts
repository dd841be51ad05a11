import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { longestFirst, readDurations, recordDurations } from './durations.ts'

it('starts the longest known scenarios first, never-run ones before them, ties in catalog order', () => {
  expect(longestFirst(['a', 'b', 'c', 'd', 'e'], { a: 2000, b: 13_000, d: 2000, e: 8000 })).toEqual([2, 1, 4, 0, 3])
})

it('keeps the last wall time of each scenario, merged with what the file held', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-durations-'))
  try {
    const file = path.join(dir, 'deep', 'durations.json')
    expect(await readDurations(file)).toEqual({})
    await recordDurations(
      [
        { id: 'a', wallMs: 1000.4 },
        { id: 'b', wallMs: 2000 },
      ],
      file,
    )
    await recordDurations([{ id: 'b', wallMs: 3000 }], file)
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ a: 1000, b: 3000 })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

describe('a cache that cannot be written', () => {
  it('is no failure: an installed package may be read-only, and so may the project', async () => {
    await expect(
      recordDurations([{ id: 'tcp-basic', wallMs: 1000 }], '/dev/null/socket-lab/durations.json'),
    ).resolves.toBeUndefined()
  })
})
