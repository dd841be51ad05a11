// bin/socket-lab.mjs on a Node older than package.json's engines: one line and exit 2, before anything starts.
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'
// @ts-expect-error: plain JavaScript, run before any TypeScript loader
import { nodeSupported, OLDEST_NODE } from '../../bin/node-version.mjs'
import { ROOT } from '../../engine/plan/layout.ts'

/** A Node older than the lab needs on this machine (Debian's, as on CI's bare machine), if there is one. */
function olderNode(): string | undefined {
  for (const node of ['/usr/bin/node', '/usr/local/bin/node']) {
    try {
      if (!nodeSupported(execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim())) return node
    } catch {}
  }
  return undefined
}
const node = olderNode()

it("names the same oldest Node as package.json's engines, and compares versions by number", () => {
  expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).engines.node).toBe(`>=${OLDEST_NODE}`)
  expect(['20.20.2', '22.11.9', '21.99.0'].map(nodeSupported)).toEqual([false, false, false])
  expect(['22.12.0', '22.13.1', '24.2.0', '100.0.0'].map(nodeSupported)).toEqual([true, true, true, true])
})

it.skipIf(!node)(
  'an older Node gets one line naming the version needed, exit 2, and no image is built (skipped: no Node older than 22.12 here)',
  () => {
    const result = spawnSync(node!, [path.join(ROOT, 'bin/socket-lab.mjs'), 'tcp-basic'], {
      encoding: 'utf8',
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' },
    })
    expect(result.status).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^socket-lab: needs Node\.js 22\.12 or later; this is v\d+\.\d+\.\d+ \(.+\)\n$/)
  },
)
