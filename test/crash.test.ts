// An error nobody expected, in the middle of a run, still tears the lab down: real `lab` processes, an error
// injected through SOCKET_LAB_TEST_THROW (engine/runtime/test-throw.ts).
import { afterAll, describe, expect, it } from 'vitest'
import { $ } from 'zx'
import { ROOT } from '../engine/plan/layout.ts'
import { labResources, startLab } from './lab-process.ts'

afterAll(async () => {
  await $({ cwd: ROOT, nothrow: true, quiet: true, env: { ...process.env, SOCKET_LAB_SCENARIOS: 'test/fixtures/scenarios' } })`npm run --silent lab -- clean slow-run`
})

describe('an unexpected error mid-run', { timeout: 120_000 }, () => {
  for (const kind of ['throw', 'reject'] as const) {
    it(`(${kind}) tears the lab down, exits 70 and says why on one line`, async () => {
      const lab = startLab(['slow-run'], { via: 'node', env: { SOCKET_LAB_TEST_THROW: `${kind}:6000` } })
      const { code, stderr } = await lab.exited
      expect(code).toBe(70)
      const lines = stderr.trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(new RegExp(`^socket-lab: unexpected error: Error: injected by SOCKET_LAB_TEST_THROW=${kind}:6000 \\(at .*test-throw\\.ts:\\d+:\\d+\\)\\)$`))
      expect(await labResources('slow-run')).toEqual([])
    })
  }
})
