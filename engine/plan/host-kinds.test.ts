import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import type { Scenario } from '../model/scenario.ts'
import { validateScenario } from './catalog.ts'
import { labCompose, parseCompose } from './compose.ts'
import { hostKindProblem, resolveHostPaths } from './host-kinds.ts'
import { COMPOSE_FILE } from './layout.ts'

const base = parseCompose(await readFile(COMPOSE_FILE, 'utf8'))
const run = {
  runId: 'r1',
  impl: 'ts' as const,
  image: 'socket-lab-host:abc',
  hostImages: { server: 'socket-lab-build:0123' },
}

const scenario: Scenario = {
  id: 'byo',
  title: 't',
  teaches: 't',
  deadlineMs: 1000,
  hosts: {
    server: { build: '/work/service', listens: 7000, command: ['sh', '-c', 'echo $HOME'], env: { TOKEN: '${SECRET}' } },
    client: { image: 'team/client:1', user: '1000', sandbox: false },
    probe: { run: { command: ['node', 'probe.mjs'], files: ['/work/labs/probe.mjs'] }, env: { PRICE: '$5' } },
    greeter: { program: 'tcp-client', args: ['$USER'] },
  },
  expect: {},
}

describe('an image or build host', () => {
  const { services } = labCompose(scenario, run)

  it('is a namespace holder of the lab image, its sidecar, a gate and the program, all in one namespace', () => {
    expect(services.server).toMatchObject({
      image: 'socket-lab-host:abc',
      hostname: 'server',
      entrypoint: ['sleep', 'infinity'],
      user: 'lab',
    })
    expect(services['server-net'].network_mode).toBe('service:server')
    expect(services['server-gate']).toMatchObject({
      image: 'socket-lab-host:abc',
      network_mode: 'service:server',
      entrypoint: ['lab-run'],
      command: ['true'],
    })
    expect(services['server-program']).toMatchObject({
      image: 'socket-lab-build:0123',
      network_mode: 'service:server',
      depends_on: { 'server-gate': { condition: 'service_completed_successfully' } },
    })
    // the gate of a later host waits for the server to listen, as lab-run does for the lab's own programs
    expect(services['client-gate'].environment).toMatchObject({ LAB_WAIT_FOR: 'server' })
    expect(services['client-program']).toMatchObject({ image: 'team/client:1', user: '1000' })
  })

  it('is sandboxed unless it says sandbox: false', () => {
    expect(services['server-program']).toMatchObject({
      cap_drop: ['ALL'],
      security_opt: ['no-new-privileges:true'],
      pids_limit: 128,
      mem_limit: '256m',
    })
    expect(services['client-program'].cap_drop).toBeUndefined()
    expect(services['client-program'].pids_limit).toBeUndefined()
  })

  it("keeps what the scenario says literal: Compose substitutes nothing from the engine's environment", () => {
    expect(services['server-program'].command).toEqual(['sh', '-c', 'echo $$HOME'])
    expect(services['server-program'].environment).toMatchObject({ TOKEN: '$${SECRET}' })
    expect(services.probe.environment).toMatchObject({ PRICE: '$$5' })
    expect(services.greeter.command).toEqual(['node', '/opt/lab/programs/ts/tcp-client.ts', '$$USER'])
  })
})

describe('a run: { command, files } host', () => {
  it('runs its command in the lab image among its files, mounted read-only, its output bounded', () => {
    const { services } = labCompose(scenario, run)
    expect(services.probe).toMatchObject({
      command: ['node', 'probe.mjs'],
      working_dir: '/opt/lab/files',
      entrypoint: ['lab-run'],
    })
    expect(services.probe.volumes).toContainEqual({
      type: 'bind',
      source: '/work/labs/probe.mjs',
      target: '/opt/lab/files/probe.mjs',
      read_only: true,
    })
    expect(services.probe.environment).toHaveProperty('LAB_OUTPUT_LIMIT')
  })
})

describe('host kinds', () => {
  it("resolves relative paths from the scenario file's folder", () => {
    const resolved = resolveHostPaths(
      {
        ...scenario,
        hosts: {
          a: { build: '../service' },
          b: { run: { file: 'c.py' } },
          c: { run: { command: ['x'], files: ['d/'] } },
        },
      },
      '/p/labs',
    )
    expect(resolved.hosts).toEqual({
      a: { build: { context: '/p/service' } },
      b: { run: { file: '/p/labs/c.py' } },
      c: { run: { command: ['x'], files: ['/p/labs/d'] } },
    })
  })

  it('refuses a host that does not say what it runs, or says two things', () => {
    expect(hostKindProblem('a', {})).toBe(
      'host "a" must say what it runs with exactly one of program, run, image or build',
    )
    expect(hostKindProblem('a', { program: 'x', image: 'y' })).toBe(
      'host "a" must say what it runs with exactly one of program, run, image or build (it has program and image)',
    )
    expect(hostKindProblem('a', { program: 'x', command: ['y'] })).toBe(
      'host "a": command is for image and build hosts',
    )
    expect(hostKindProblem('a', { image: 'x', inside: 'b' })).toBe(
      'host "a": an image or build host cannot run inside another host',
    )
    expect(hostKindProblem('a-gate', { image: 'x' })).toBe(
      'host "a-gate": names ending in -gate, -program or -net are the lab\'s own',
    )
    expect(() => validateScenario({ ...scenario, hosts: { server: {} } })).toThrow(
      'scenario byo: host "server" must say what it runs',
    )
  })
})
