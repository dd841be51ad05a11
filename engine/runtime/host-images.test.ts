import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { buildTag } from './host-images.ts'

const roots: string[] = []
afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })))
})

/** A build's folder with a Dockerfile and two files, inside a root that has room for what lives outside it. */
async function buildFolder(): Promise<{ root: string; context: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-build-tag-'))
  roots.push(root)
  const context = path.join(root, 'service')
  await mkdir(context)
  await writeFile(path.join(context, 'Dockerfile'), 'FROM x\nCOPY . /app\n')
  await writeFile(path.join(context, 'a.txt'), 'a\n')
  await writeFile(path.join(context, 'b.txt'), 'b\n')
  return { root, context }
}

it('changes when a link in the folder points elsewhere: Docker sends the link as it is', async () => {
  const { context } = await buildFolder()
  await symlink('a.txt', path.join(context, 'current.txt'))
  const before = await buildTag({ context })
  expect(await buildTag({ context })).toBe(before)
  await unlink(path.join(context, 'current.txt'))
  await symlink('b.txt', path.join(context, 'current.txt'))
  expect(await buildTag({ context })).not.toBe(before)
})

it('refuses a link that leaves the folder: what it points at is no part of the build', async () => {
  const { root, context } = await buildFolder()
  await writeFile(path.join(root, 'secret.txt'), 'outside\n')
  await symlink('../secret.txt', path.join(context, 'secret.txt'))
  await expect(buildTag({ context })).rejects.toThrow(`secret.txt links to ../secret.txt, outside ${context}`)
})

it('changes when a Dockerfile outside the folder changes', async () => {
  const { root, context } = await buildFolder()
  await writeFile(path.join(root, 'Dockerfile.lab'), 'FROM x\n')
  const build = { context, dockerfile: '../Dockerfile.lab' }
  const before = await buildTag(build)
  await writeFile(path.join(root, 'Dockerfile.lab'), 'FROM x\nRUN echo changed\n')
  expect(await buildTag(build)).not.toBe(before)
})
