// bin/socket-lab.mjs on a Node older than package.json's engines: one line and exit 2, before anything starts.
import { execFileSync, spawnSync } from 'node:child_process'
import path from 'node:path'
import { expect, it } from 'vitest'
import { ROOT } from '../../engine/plan/layout.ts'

/** A Node older than 22.12 on this machine (Debian's, as on CI's bare machine), if there is one. */
function olderNode(): string | undefined {
  for (const node of ['/usr/bin/node', '/usr/local/bin/node']) {
    try {
      const [major, minor] = execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).split('.').map(Number)
      if (major < 22 || (major === 22 && minor < 12)) return node
    } catch {}
  }
  return undefined
}
const node = olderNode()

it.skipIf(!node)('an older Node gets one line naming the version needed, exit 2, and no image is built (skipped: no Node older than 22.12 here)', () => {
  const result = spawnSync(node!, [path.join(ROOT, 'bin/socket-lab.mjs'), 'tcp-basic'], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' } })
  expect(result.status).toBe(2)
  expect(result.stdout).toBe('')
  expect(result.stderr).toMatch(/^socket-lab: needs Node\.js 22\.12 or later; this is v\d+\.\d+\.\d+ \(.+\)\n$/)
})
