// socket-lab as another project uses it: packed with `npm pack`, installed from the tarball (never from this
// source tree) into an empty folder and into a copy of examples/ci-suite. The tarball's dependencies come from
// npm's cache (--prefer-offline), or the registry for what the cache lacks. Every image a Dockerfile here
// builds starts from the lab image, which this machine has (no registry for node:24).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ROOT } from '../engine/plan/layout.ts'

const image = inject('labImage')
const NPM_INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error']
/** The repository's own TypeScript, to type-check a consumer's scenario against the installed declarations. */
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')

let work: string
let tarball: string

/** This test's environment without its runner's own variables, which would make a consumer's vitest a nested one. */
const consumerEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(VITEST|TINYPOOL|NODE_ENV$)/.test(name)),
)

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...consumerEnv, NO_COLOR: '1', INIT_CWD: cwd, ...env },
    timeout: 400_000,
  })
}

function succeeded(result: SpawnSyncReturns<string>): string {
  expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0)
  return result.stdout
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-consumer-'))
  const packed = succeeded(run('npm', ['pack', '--json', '--pack-destination', work], ROOT))
  tarball = path.join(work, (JSON.parse(packed.slice(packed.indexOf('['))) as { filename: string }[])[0].filename)
}, 300_000)

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})

describe('from an empty folder', { timeout: 400_000 }, () => {
  it('npm init, install the tarball, one scenario with an image built from a Dockerfile, npx socket-lab run', async () => {
    const project = path.join(work, 'empty')
    await mkdir(path.join(project, 'service'), { recursive: true })
    await mkdir(path.join(project, 'labs'))
    await mkdir(path.join(project, 'client'))
    succeeded(run('npm', ['init', '-y'], project))
    succeeded(run('npm', [...NPM_INSTALL, '-D', tarball], project))
    await writeFile(
      path.join(project, 'service', 'Dockerfile'),
      `FROM ${image}\nCOPY server.mjs /app/\nUSER 10001\nENTRYPOINT ["node", "/app/server.mjs"]\n`,
    )
    await writeFile(
      path.join(project, 'service', 'server.mjs'),
      [
        "import net from 'node:net'",
        "net.createServer((socket) => socket.on('data', (data) => socket.end(`hello ${data}`))).listen(7000, () => console.log('listening on 7000'))",
      ].join('\n'),
    )
    // Not in labs/: every file there is a scenario.
    await writeFile(
      path.join(project, 'client', 'client.mjs'),
      [
        "import net from 'node:net'",
        "const socket = net.connect(7000, 'server', () => socket.write('lab'))",
        "socket.on('data', (data) => console.log(String(data)))",
      ].join('\n'),
    )
    await writeFile(
      path.join(project, 'labs', 'hello.ts'),
      `import { defineScenario } from 'socket-lab'

export default defineScenario({
  title: 'A service built from its own Dockerfile answers a client',
  teaches: 'bring your own image',
  deadlineMs: 20_000,
  hosts: {
    server: { build: '../service', listens: 7000 },
    client: { run: { command: ['node', 'client.mjs'], files: ['../client/client.mjs'] } },
  },
  expect: { server: { exit: 'running', prints: ['listening on 7000'] }, client: { exit: 0, prints: ['hello lab'] } },
})
`,
    )
    await writeFile(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2023',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        include: ['labs/*.ts'],
      }),
    )

    // The scenario is type-checked against the package's declarations: a misspelt field is an error.
    succeeded(run(process.execPath, [TSC, '-p', '.'], project))
    await writeFile(
      path.join(project, 'labs', 'typo.ts'),
      "import { defineScenario } from 'socket-lab'\nexport default defineScenario({ title: 't', teaches: 't', deadlineMs: 1, hosts: { server: { imagee: 'x' } }, expect: {} })\n",
    )
    const typo = run(process.execPath, [TSC, '-p', '.'], project)
    expect(typo.status).toBe(2)
    expect(typo.stdout).toMatch(/labs\/typo\.ts.*'imagee' does not exist/)
    await rm(path.join(project, 'labs', 'typo.ts'))

    expect(succeeded(run('npx', ['socket-lab', 'list', '--scenarios', './labs'], project))).toMatch(
      /^hello\s+A service built from its own Dockerfile/m,
    )
    const lab = succeeded(run('npx', ['socket-lab', 'run', './labs/hello.ts'], project))
    expect(lab).toMatch(/✔ client printed "hello lab"/)
    expect(lab).toMatch(/1\/1 scenarios passed/)
  })
})

describe('examples/ci-suite as a consumer runs it', { timeout: 600_000 }, () => {
  it('passes, and fails with the failed checks in its output once the client no longer retries', async () => {
    const project = path.join(work, 'ci-suite')
    await cp(path.join(ROOT, 'examples', 'ci-suite'), project, {
      recursive: true,
      filter: (source) => !source.includes('node_modules'),
    })
    const manifest = JSON.parse(await readFile(path.join(project, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>
    }
    manifest.devDependencies['socket-lab'] = `file:${tarball}`
    await writeFile(path.join(project, 'package.json'), JSON.stringify(manifest, null, 2))
    succeeded(run('npm', NPM_INSTALL, project))
    const env = { BASE_IMAGE: image }

    const passing = run('npx', ['vitest', 'run'], project, env)
    expect(passing.status, passing.stdout + passing.stderr).toBe(0)
    expect(passing.stdout).toMatch(/3 passed/)

    const client = path.join(project, 'service', 'client.mjs')
    const source = await readFile(client, 'utf8')
    expect(source).toContain('const MAX_ATTEMPTS = 8')
    await writeFile(client, source.replace('const MAX_ATTEMPTS = 8', 'const MAX_ATTEMPTS = 1'))
    const failing = run('npx', ['vitest', 'run'], project, env)
    expect(failing.status).toBe(1)
    const said = failing.stdout + failing.stderr
    expect(said).toMatch(/ScenarioFailed: scenario partition-heal failed: \d+ of \d+ checks failed/)
    expect(said).toMatch(/✗ client exited with code 0: exited with code 1 after/)
    expect(said).toMatch(
      /✗ client printed "done: 10 replies": client never printed it; its last output: .*"gave up on request \d+: /,
    )
    expect(said).toMatch(/ScenarioFailed: scenario server-restart failed/)
  })
})
