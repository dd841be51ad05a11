// Nothing is left behind, whatever phase a run is in when it ends: real `npm run lab` processes, real signals.
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { $ } from 'zx'
import { RUN_DIR_PREFIX } from '../engine/plan/run-plan.ts'
import { ROOT } from '../engine/plan/layout.ts'
import { containerPrinted, labResources, startLab, waitFor } from './lab-process.ts'

// Whatever a failed test left, so that it cannot fail the next one too.
afterAll(async () => {
  for (const scenario of ['slow-up', 'slow-run', 'never-greets', 'slow-routed', 'slow-nat']) {
    await $({ cwd: ROOT, nothrow: true, quiet: true })`npm run --silent lab -- clean ${scenario}`
  }
})

describe('teardown', { timeout: 180_000 }, () => {
  it('Ctrl-C to `npm run lab` during `docker compose up` tears the lab down and leaves nothing behind', async () => {
    const lab = startLab(['slow-up'])
    // slow-up's server listens only after two minutes, so the lab is still coming up (waiting for it to listen).
    await waitFor('the slow-up server container', async () =>
      (await labResources('slow-up')).some((r) => r.endsWith('-server-1')),
    )
    process.kill(-lab.pid, 'SIGINT') // the whole process group, as a terminal does
    const { code, signal, stderr } = await lab.exited
    expect(code === 130 || signal === 'SIGINT').toBe(true)
    expect(stderr).toMatch(
      /socket-lab: SIGINT, tearing down lab socketlab-slow-up-\w+; press Ctrl-C again to stop waiting/,
    )
    expect(stderr).toContain('socket-lab: torn down, nothing left behind')
    expect(await labResources('slow-up')).toEqual([])
  })

  it('Ctrl-C to `node bin/socket-lab.mjs` during the run exits 130 and leaves nothing behind', async () => {
    const lab = startLab(['slow-run'], { via: 'node' })
    await waitFor('the slow-run client to start', () => containerPrinted('slow-run', 'client', 'dormindo'))
    process.kill(-lab.pid, 'SIGINT')
    const { code, stdout, stderr } = await lab.exited
    expect(code).toBe(130)
    expect(stdout).not.toContain('slow-run passed')
    expect(stderr).toContain('socket-lab: torn down, nothing left behind')
    expect(await labResources('slow-run')).toEqual([])
  })

  // A lab of several networks: Docker adds rules on the machine for each of its bridges (they are not `internal`,
  // see engine/plan/topology.ts), and the run has its folder in the system's temporary folder.
  it.each(['slow-routed', 'slow-nat'])(
    'Ctrl-C during the run of a multi-network lab (%s) exits 130 and leaves no container, network, volume, folder or firewall rule',
    async (scenario) => {
      const lab = startLab([scenario], { via: 'node' })
      await waitFor(`the ${scenario} client to start`, () => containerPrinted(scenario, 'client', 'dormindo'))
      const bridges = (
        await $({
          quiet: true,
        })`docker network ls --no-trunc --filter label=socket-lab.scenario=${scenario} --format {{.ID}}`
      )
        .lines()
        .map((id) => `br-${id.slice(0, 12)}`)
      expect(bridges).toHaveLength(2)
      const rules = async () => (await $({ quiet: true })`iptables-save`).stdout
      // The check below could not fail if Docker named the bridges otherwise: they are in the rules while the lab runs.
      for (const bridge of bridges) expect(await rules()).toContain(bridge)
      const runDirs = async () =>
        (await readdir(os.tmpdir())).filter((name) => name.startsWith(`${RUN_DIR_PREFIX}socketlab-${scenario}-`))
      const [runDir] = await runDirs()
      expect(runDir).toBeDefined()
      process.kill(-lab.pid, 'SIGINT')
      const { code, stderr } = await lab.exited
      expect(code).toBe(130)
      expect(stderr).toContain('socket-lab: torn down, nothing left behind')
      expect(await labResources(scenario)).toEqual([])
      expect(existsSync(path.join(os.tmpdir(), runDir))).toBe(false)
      const after = await rules()
      for (const bridge of bridges) expect(after).not.toContain(bridge)
    },
  )

  it('SIGTERM to the lab process alone (not its group), as a supervisor sends it, exits 143 and leaves nothing behind', async () => {
    const lab = startLab(['slow-run'], { via: 'node' })
    await waitFor('the slow-run client to start', () => containerPrinted('slow-run', 'client', 'dormindo'))
    process.kill(lab.pid, 'SIGTERM')
    const { code, stderr } = await lab.exited
    expect(code).toBe(143)
    expect(stderr).toContain('socket-lab: torn down, nothing left behind')
    expect(await labResources('slow-run')).toEqual([])
  })

  it('after a run killed outright (SIGKILL), `lab clean` removes what it left and says what', async () => {
    const lab = startLab(['slow-run'])
    await waitFor('the slow-run client to start', () => containerPrinted('slow-run', 'client', 'dormindo'))
    process.kill(-lab.pid, 'SIGKILL')
    await lab.exited
    const left = await labResources('slow-run')
    expect(left.length).toBeGreaterThanOrEqual(5) // four containers and the network
    const cleaned = await $({
      cwd: ROOT,
      nothrow: true,
      quiet: true,
      env: { ...process.env, NO_COLOR: '1' },
    })`npm run --silent lab -- clean slow-run`
    expect(cleaned.exitCode).toBe(0)
    expect(cleaned.stdout).toMatch(/^» removed /)
    for (const resource of left) expect(cleaned.stdout).toContain(resource)
    expect(await labResources('slow-run')).toEqual([])
  })

  it('a failing scenario exits 1 and leaves nothing behind', async () => {
    const lab = startLab(['never-greets', '--no-stop-early'])
    const { code, stdout } = await lab.exited
    expect(code).toBe(1)
    expect(stdout).toContain('✘ the lab ran to the end — client was still running at the 4 s deadline')
    expect(stdout).toMatch(/✘ never-greets FAILED: 0\/3 checks/)
    expect(await labResources('never-greets')).toEqual([])
  })
})
