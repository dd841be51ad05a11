// `npm run lab` as a user runs it: real containers, exit codes, what it prints, what it leaves behind.
import { describe, expect, it } from 'vitest'
import { $ } from 'zx'
import { ROOT } from '../engine/plan/layout.ts'

const lab = (args: string[], env: Record<string, string> = {}) =>
  $({
    cwd: ROOT,
    nothrow: true,
    quiet: true,
    env: { ...process.env, NO_COLOR: '1', ...env },
  })`npm run --silent lab -- ${args}`

describe('npm run lab', { timeout: 120_000 }, () => {
  it('runs tcp-basic in real containers, prints every check, exits 0 and leaves nothing behind', async () => {
    const result = await lab(['tcp-basic'])
    expect(result.stdout).toContain('✔ client printed "Mensagem do servidor: Bem-vindo ao servidor!"')
    expect(result.stdout).toContain('✔ server printed "Mensagem recebida do cliente: Olá, servidor!"')
    expect(result.stdout).toContain('✔ client exited with code 0')
    expect(result.stdout).toMatch(/✔ tcp-basic passed: 5\/5 checks in [\d.]+ m?s/)
    expect(result.exitCode).toBe(0)
    const project = result.stdout.match(/project (socketlab-tcp-basic-\w+)/)![1]
    const left = await $({ quiet: true })`docker ps -aq --filter label=com.docker.compose.project=${project}`
    const networks = await $({ quiet: true })`docker network ls -q --filter label=com.docker.compose.project=${project}`
    expect(left.stdout + networks.stdout).toBe('')
  })

  it("writes a JSON report to standard output and the person's lines to standard error", async () => {
    const result = await lab(['tcp-basic', '--reporter', 'json'])
    expect(result.exitCode).toBe(0)
    const report = JSON.parse(result.stdout)
    expect(report.summary).toMatchObject({ scenarios: 1, passed: 1, failed: 0 })
    expect(report.scenarios[0].checks.every((c: { passed: boolean }) => c.passed)).toBe(true)
    expect(result.stderr).toMatch(/✔ tcp-basic passed: \d+\/\d+ checks/)
  })

  it('exits 2 on --output without a reporter that writes a document', async () => {
    const result = await lab(['tcp-basic', '--output', 'results.xml'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr.trim()).toBe(
      'socket-lab: --output needs --reporter json, junit, gradescope, prairielearn or events (see `npm run lab -- --help`)',
    )
  })

  it('exits 2 on an unknown scenario and lists the known ones', async () => {
    const result = await lab(['nope'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr.trim()).toMatch(/^socket-lab: unknown scenario "nope"; known scenarios: .*tcp-basic/)
  })

  it('exits 2 with one line saying how to start Docker when the daemon is down', async () => {
    const result = await lab(['tcp-basic'], { DOCKER_HOST: 'unix:///tmp/socket-lab-no-daemon.sock' })
    expect(result.exitCode).toBe(2)
    expect(result.stderr.trim()).toBe(
      'socket-lab: the Docker daemon is not running: start it (`sudo systemctl start docker`, or `sudo dockerd &`, or open Docker Desktop)',
    )
  })

  it('exits 2 on a bad option', async () => {
    const result = await lab(['tcp-basic', '--impl', 'cobol'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr.trim()).toBe(
      'socket-lab: --impl must be one of ts, python, not "cobol" (see `npm run lab -- --help`)',
    )
  })

  it("exits 2 with one line naming the command's options when it does not take one", async () => {
    const list = await lab(['list', '--report', 'x.html'])
    expect([list.exitCode, list.stderr.trim()]).toEqual([
      2,
      'socket-lab: lab list does not take --report (its options: --scenarios, --help)',
    ])
    const grade = await lab(['grade', 'tcp-basic', '--server', 'x', '--capture', 'd'])
    expect([grade.exitCode, grade.stderr.trim()]).toEqual([
      2,
      'socket-lab: lab grade does not take --capture (its options: --impl, --param, --seed, --server, --client, --host, --lang, --parallel, --pool, --no-pool, --grades, --exercise, --entry, --report, --resume, --only-failed, --engines, --slice, --row-lines, --help)',
    ])
    const unknown = await lab(['tcp-basic', '--bogus'])
    expect([unknown.exitCode, unknown.stderr.trim()]).toEqual([
      2,
      'socket-lab: lab <scenario> does not take --bogus (its options: --impl, --param, --seed, --server, --client, --host, --lang, --parallel, --capture, --report, --reporter, --output, --exercise, --view, --due, --in, --watch, --ui, --port, --bind, --no-stop-early, --scenarios, --shard, --help)',
    ])
  })
})
