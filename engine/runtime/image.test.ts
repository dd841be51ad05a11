import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { expect, it } from 'vitest'
import { debianMirror, servicesHash } from './image.ts'

it('finds the Debian mirror in deb822 and one-line apt sources', () => {
  expect(debianMirror(['Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\n'])).toBe(
    'http://mirror.example/debian',
  )
  expect(debianMirror(['deb [arch=amd64] http://mirror.example/debian bookworm main\n'])).toBe(
    'http://mirror.example/debian',
  )
  expect(debianMirror(['deb http://mirror.example/debian-security bookworm-security main\n'])).toBeUndefined()
})

it('changes the image digest when any file under services/ changes', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-hash-'))
  try {
    await writeFile(path.join(dir, 'Dockerfile'), 'FROM x\n')
    const before = await servicesHash(dir)
    expect(await servicesHash(dir)).toBe(before)
    await writeFile(path.join(dir, 'Dockerfile'), 'FROM y\n')
    expect(await servicesHash(dir)).not.toBe(before)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
