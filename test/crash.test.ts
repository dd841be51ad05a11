// An error nobody expected, in the middle of a run, still tears the lab down: real `lab` processes, an error
// injected by a module preloaded into the lab's process (test/fixtures/throw-mid-run.mjs), not by the lab's code.
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { $ } from 'zx'
import { ROOT } from '../engine/plan/layout.ts'
import { labResources, startLab } from './lab-process.ts'

const THROW_MID_RUN = path.join(ROOT, 'test/fixtures/throw-mid-run.mjs')

afterAll(async () => {
  await $({
    cwd: ROOT,
    nothrow: true,
    quiet: true,
    env: { ...process.env, SOCKET_LAB_SCENARIOS: 'test/fixtures/scenarios' },
  })`npm run --silent lab -- clean slow-run`
})

describe('an unexpected error mid-run', { timeout: 120_000 }, () => {
  for (const kind of ['throw', 'reject'] as const) {
    it(`(${kind}) tears the lab down, exits 70 and says why on one line`, async () => {
      const lab = startLab(['slow-run'], {
        via: 'node',
        env: { NODE_OPTIONS: `--import ${pathToFileURL(THROW_MID_RUN).href}`, CRASH_MID_RUN: `${kind}:6000` },
      })
      const { code, stderr } = await lab.exited
      expect(code).toBe(70)
      const lines = stderr.trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(
        new RegExp(
          `^socket-lab: unexpected error: Error: injected by CRASH_MID_RUN=${kind}:6000 \\(at .*throw-mid-run\\.mjs:\\d+:\\d+\\)\\)$`,
        ),
      )
      expect(await labResources('slow-run')).toEqual([])
    })
  }
})

describe('a closed standard output', { timeout: 120_000 }, () => {
  it('(a pipe into `head -c 0`) stops the run with one line and exit 141 (as SIGPIPE), and leaves no run folder behind', async () => {
    // The run's folders go to a temporary folder of this test's own (TMPDIR), where nothing else runs.
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-crash-stdout-'))
    try {
      const child = spawn(process.execPath, ['bin/socket-lab.mjs', 'tcp-basic'], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', TMPDIR: tmp },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      child.stdout.destroy() // the reader is gone before the first line: EPIPE
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
      const code = await new Promise((resolve) => child.on('close', resolve))
      expect(code).toBe(141)
      expect(stderr.trim().split('\n')).toEqual([
        'socket-lab: standard output was closed by its reader: the run stopped and its labs were taken down',
      ])
      expect((await readdir(tmp)).filter((name) => name.startsWith('socket-lab-run-'))).toEqual([])
      expect(await readdir(path.join(tmp, 'socket-lab-live-runs')).catch(() => [])).toEqual([])
    } finally {
      await rm(tmp, { recursive: true, force: true })
    }
  })
})
