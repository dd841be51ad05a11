// A live lab as a person uses it from a terminal: `lab shell client` in a real terminal (tmux
// send-keys / capture-pane), where `ss` and a python3 connect to the server show the server's greeting; and
// `lab capture server` decoding a client's connection as it passes, with `--write` leaving a readable pcap.
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { $ } from 'zx'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readPcap } from '../engine/judge/packets.ts'
import { ROOT } from '../engine/plan/layout.ts'
import { waitFor } from './lab-process.ts'

const GREETING = "b'Bem-vindo ao servidor!'"
const CONNECT = `import socket,subprocess; s=socket.create_connection(('server',12345)); print('GOT', s.recv(100)); subprocess.run(['ss','-tn'])`
const hasTmux = (await $({ quiet: true, nothrow: true })`tmux -V`).exitCode === 0

const state = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-terminal-test-'))
const env = { SOCKET_LAB_STATE: state, SOCKET_LAB_SCENARIOS: path.join(ROOT, 'scenarios'), NO_COLOR: '1' }
const lab = async (...args: string[]) =>
  $({ cwd: ROOT, quiet: true, nothrow: true, env: { ...process.env, ...env } })`node --import tsx lab.ts ${args}`
/** A tmux server of this test's own (-L), so that a person's tmux sessions are never touched. */
const tmuxSocket = `socket-lab-test-${process.pid}`
const tmux = (...args: string[]) => $({ quiet: true, nothrow: true })`tmux -L ${tmuxSocket} ${args}`
const pane = async () => (await tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', 'lab')).stdout
/** Waits for the pane to show `text`; the pane itself, when it does not, says why. */
const onPane = async (text: string, timeoutMs: number) => {
  await waitFor(`"${text}" on the pane`, async () => (await pane()).includes(text), timeoutMs).catch(
    async (error: Error) => {
      throw new Error(`${error.message}; the pane shows:\n${(await pane()).trimEnd()}`)
    },
  )
}

describe.skipIf(!hasTmux)('a live lab from a terminal (needs tmux)', { timeout: 180_000 }, () => {
  /** This lab's run id: other labs of tcp-basic (another person's, another test's) may be up meanwhile. */
  let runId = ''
  const resources = async () => {
    const filter = `label=socket-lab.run=${runId}`
    const found = await Promise.all([
      $({ quiet: true })`docker ps -a --filter ${filter} --format {{.Names}}`,
      $({ quiet: true })`docker network ls --filter ${filter} --format {{.Name}}`,
      $({ quiet: true })`docker volume ls --filter ${filter} --format {{.Name}}`,
    ])
    return found.flatMap((listed) => listed.lines())
  }
  beforeAll(async () => {
    const up = await lab('up', 'tcp-basic', '--start')
    expect(up.exitCode, up.stderr).toBe(0)
    runId = (JSON.parse(await readFile(path.join(state, 'tcp-basic', 'lab.json'), 'utf8')) as { runId: string }).runId
    expect((await resources()).length).toBe(4 + 1 + 1) // 2 programs + 2 sidecars, its network, its sync volume
  })
  afterAll(async () => {
    await tmux('kill-server')
    await lab('down')
    await rm(state, { recursive: true, force: true })
  })

  it('lab shell: ss and a python3 connect to the server answer on the screen, and the exit code comes back', async () => {
    // The terminal finds this test's Node first, as a person's finds theirs: an interactive shell without a login
    // profile, which would put the machine's own (older, on CI) Node first again.
    const PATH = `${path.dirname(process.execPath)}:${process.env.PATH}`
    const envArgs = Object.entries({ ...env, PATH }).flatMap(([name, value]) => ['-e', `${name}=${value}`])
    expect(
      (
        await tmux(
          'new-session',
          '-d',
          '-s',
          'lab',
          '-x',
          '200',
          '-y',
          '50',
          '-c',
          ROOT,
          ...envArgs,
          'bash --noprofile -i',
        )
      ).exitCode,
    ).toBe(0)
    const foreground = async () =>
      (await tmux('display-message', '-p', '-t', 'lab', '#{pane_current_command}')).stdout.trim()
    const terminalShell = await foreground()
    await tmux('send-keys', '-t', 'lab', 'npm run --silent lab -- shell client', 'Enter')
    await onPane('lab@client:', 30_000)
    await tmux('send-keys', '-t', 'lab', `python3 -c "${CONNECT}"`, 'Enter')
    await onPane(`GOT ${GREETING}`, 20_000)
    // ss, run by the same program while its connection is open, shows it
    expect(await pane()).toMatch(/ESTAB\s+\d+\s+\d+\s+[\d.]+:\d+\s+[\d.]+:12345/)
    // Ctrl-C reaches the command in the shell, not the lab: the shell goes on
    await tmux('send-keys', '-t', 'lab', 'sleep 100', 'Enter')
    await waitFor(
      'sleep 100 in client',
      async () => (await lab('exec', 'client', '--', 'ps', '-eo', 'args')).stdout.includes('sleep 100'),
      10_000,
    )
    await tmux('send-keys', '-t', 'lab', 'C-c')
    await tmux('send-keys', '-t', 'lab', 'echo "still $(id -un) in $(hostname)"', 'Enter')
    await onPane('still lab in client', 10_000)
    await tmux('send-keys', '-t', 'lab', 'exit 3', 'Enter')
    // What is typed before the lab has exited would go to the container's terminal, as it would for a person
    await waitFor('the lab shell to exit', async () => (await foreground()) === terminalShell, 10_000)
    await tmux('send-keys', '-t', 'lab', 'echo "shell exited $?"', 'Enter')
    await onPane('shell exited 3', 10_000)
  })

  it("lab capture: a client's connection decoded as it passes; --write leaves a pcap that reads back", async () => {
    const file = path.join(state, 'server.pcap')
    const capture = spawn(process.execPath, ['--import', 'tsx', 'lab.ts', 'capture', 'server', '--write', file], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    capture.stdout.on('data', (chunk: Buffer) => (out += chunk))
    capture.stderr.on('data', (chunk: Buffer) => (out += chunk))
    const exited = new Promise<number | null>((resolve) => capture.on('close', (code) => resolve(code)))
    await waitFor('tcpdump listening', async () => out.includes('listening on eth0'), 30_000)
    const client = await lab('exec', 'client', '--', 'python3', '-c', CONNECT)
    expect(client.stdout).toContain(`GOT ${GREETING}`)
    await waitFor(
      'the decoded handshake and greeting',
      async () =>
        /client:\d+ → server:12345 TCP \[S\]/.test(out) && /server:12345 → client:\d+ TCP \[P\.\].* len=22/.test(out),
      10_000,
    )
    capture.kill('SIGINT')
    expect(await exited).toBe(130)
    expect(out).toMatch(/torn down, nothing left behind/)
    // tcpdump in the sidecar stopped with it
    const sidecar = (
      await $({
        quiet: true,
      })`docker ps -q --filter label=socket-lab.run=${runId} --filter label=com.docker.compose.service=server-net`
    ).stdout.trim()
    expect(sidecar).not.toBe('')
    expect((await $({ quiet: true })`docker top ${sidecar} -o pid,args`).stdout).not.toMatch(/tcpdump/)
    const read = await readPcap(await readFile(file))
    expect(read.unreadable).toBeUndefined()
    const tcp = read.packets.filter((p) => p.proto === 'tcp' && (p.sport === 12345 || p.dport === 12345))
    expect(tcp.find((p) => p.flags === 'S')).toBeDefined()
    expect(tcp.some((p) => p.sport === 12345 && p.length === 22)).toBe(true)
  })

  it('lab down leaves nothing', async () => {
    expect((await lab('down')).exitCode).toBe(0)
    expect(await resources()).toEqual([])
    expect((await lab('ps')).stdout).toMatch(/no live lab/)
  })
})
