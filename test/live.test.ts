// Live labs end to end: `lab up`, a command inside a host, faults changed while a program runs, a
// warm run, `lab down` leaving nothing; `--watch` rerunning on a save (fail, then pass); a shell in tmux.
import { mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import net from 'node:net'
import { spawn } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { $ } from 'zx'
import { afterAll, describe, expect, it, onTestFinished } from 'vitest'
import { ROOT } from '../engine/plan/layout.ts'
import { labResources, waitFor } from './lab-process.ts'

const state = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-live-test-'))
const env = { SOCKET_LAB_STATE: state, SOCKET_LAB_SCENARIOS: path.join(ROOT, 'scenarios') }
const lab = async (...args: string[]) =>
  $({
    cwd: ROOT,
    quiet: true,
    nothrow: true,
    env: { ...process.env, ...env, NO_COLOR: '1' },
  })`node --import tsx lab.ts ${args}`

const ECHO_SERVER =
  'import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(("0.0.0.0",12345))\nwhile True:\n    d,a=s.recvfrom(100); s.sendto(d,a)'
const ECHO_CLIENT =
  'import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.settimeout(0.05); n=0\nfor i in range(200):\n    s.sendto(b"x",("server",12345))\n    try: s.recvfrom(10); n+=1\n    except socket.timeout: pass\nprint("answered", n)'
/** What a sidecar's control socket answers to `request`. */
const ask = (socket: string, request: string) =>
  new Promise<string>((resolve, reject) => {
    let said = ''
    const connection = net.createConnection(socket, () => connection.end(request))
    connection.on('data', (chunk: Buffer) => (said += chunk))
    connection.on('close', () => resolve(said))
    connection.on('error', reject)
  })
const answered = async () =>
  Number((await lab('exec', 'client', '--', 'python3', '-c', ECHO_CLIENT)).stdout.match(/answered (\d+)/)?.[1])

afterAll(async () => {
  await lab('down')
  await rm(state, { recursive: true, force: true })
})

describe('a live lab', { timeout: 240_000 }, () => {
  it('stays up, runs commands inside, takes faults at run time, reruns warm, and goes without a trace', async () => {
    const up = await lab('up', 'udp-loss')
    expect(up.exitCode, up.stderr).toBe(0)
    expect(up.stdout).toMatch(/lab udp-loss is up/)
    expect((await lab('ps')).stdout).toMatch(/^udp-loss {2}up {2}udp-loss/m)
    // exit codes pass through
    expect((await lab('exec', 'server', '--', 'sh', '-c', 'exit 7')).exitCode).toBe(7)
    expect((await lab('exec', 'server', '--', 'id', '-un')).stdout.trim()).toBe('lab')
    // the sidecars take their commands on a socket in the lab's folder, which the program containers do not see
    const socket = path.join(state, 'udp-loss', 'control', 'server', 'ctl.sock')
    expect((await stat(socket)).isSocket()).toBe(true)
    expect((await lab('exec', 'server', '--', 'ls', '/run/lab-control')).exitCode).not.toBe(0)
    expect(await ask(socket, 'not json\n')).toMatch(/"kind":"failed","error":"lab-ctl: a request is one JSON line/)
    expect(await ask(socket, '{"args":["counters"]}\n')).toMatch(/"kind":"counters"/)
    // a UDP echo server runs in the host while the faults change under the client
    expect((await lab('fault', 'clear')).exitCode).toBe(0)
    const server = spawn('node', ['--import', 'tsx', 'lab.ts', 'exec', 'server', '--', 'python3', '-c', ECHO_SERVER], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    })
    await waitFor('the echo server', async () =>
      (await lab('exec', 'server', '--', 'ss', '-uln')).stdout.includes(':12345'),
    )
    expect(await answered()).toBe(200)
    expect((await lab('fault', 'server', 'loss', '100')).exitCode).toBe(0)
    expect(await answered()).toBe(0)
    expect((await lab('ps', '-v')).stdout).toMatch(/server: loss [1-9]\d*/)
    expect((await lab('fault', 'server', 'loss', '130')).stderr).toMatch(/loss must be a whole number from 0 to 100/)
    expect((await lab('fault', 'clear')).exitCode).toBe(0)
    expect(await answered()).toBe(200)
    // without the socket (an engine on another machine), the same commands go through `docker exec`
    await rename(socket, `${socket}.away`)
    expect((await lab('fault', 'server', 'loss', '100')).exitCode).toBe(0)
    expect(await answered()).toBe(0)
    await rename(`${socket}.away`, socket)
    expect((await lab('fault', 'clear')).exitCode).toBe(0)
    server.kill()
    // what a last run left is gone before a warm run, a waiting entry point (root) included: its program would
    // start in the next run once the host it waits for listened
    const client = (
      await $`docker ps -q --filter label=com.docker.compose.service=client --filter label=socket-lab.live=udp-loss`
    ).stdout.trim()
    await $`docker exec -d -e LAB_WAIT_FOR=nobody ${client} lab-run python3 -c ${'print("stale")'}`
    await $`docker exec -d -u lab ${client} sh -c ${'setsid sleep 300 &'}`
    // the scenario's own programs and checks, warm: its fault (30 % loss) is back for the run
    const warm = await lab('run', 'udp-loss', '--in', 'udp-loss')
    expect(warm.stdout + warm.stderr).toMatch(/udp-loss passed/)
    expect(
      (await $`docker top ${client} -o pid,args`).stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.trim().replace(/^\d+\s+/, '')),
    ).toEqual(['/sbin/docker-init -- sleep infinity', 'sleep infinity'])
    expect((await lab('down', 'udp-loss')).exitCode).toBe(0)
    expect(await labResources('udp-loss')).toEqual([])
    expect((await lab('ps')).stdout).toMatch(/no live lab/)
  })

  it('--watch reruns on a save of the submission: fail, then pass, and Ctrl-C takes its lab down', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-watch-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    const file = path.join(dir, 'servidor.py')
    const good = await readFile(path.join(ROOT, 'services/programs/python/tcp-server.py'), 'utf8')
    await writeFile(file, good.replace('Bem-vindo ao servidor!', 'Oi!'))
    const before = new Set(await readdir(state))
    const watching = spawn(process.execPath, ['--import', 'tsx', 'lab.ts', 'tcp-basic', '--server', file, '--watch'], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    watching.stdout.on('data', (chunk: Buffer) => (out += chunk))
    watching.stderr.on('data', (chunk: Buffer) => (out += chunk))
    const exited = new Promise<number | null>((resolve) => watching.on('close', (code) => resolve(code)))
    // A failed expectation below still stops the watch, which takes its lab down.
    onTestFinished(async () => {
      if (watching.exitCode === null && watching.signalCode === null) process.kill(-watching.pid!, 'SIGINT')
      await exited
    })
    const seen = (pattern: RegExp) => waitFor(`${pattern}`, async () => pattern.test(out), 180_000)
    await seen(/tcp-basic FAILED[\s\S]*watching/)
    // The watch's own lab: other test files may run tcp-basic labs of their own meanwhile.
    const [name] = (await readdir(state)).filter((entry) => !before.has(entry))
    const { runId } = JSON.parse(await readFile(path.join(state, name, 'lab.json'), 'utf8')) as { runId: string }
    await writeFile(file, good)
    await seen(/tcp-basic FAILED[\s\S]*watching[\s\S]*tcp-basic passed[\s\S]*watching/)
    process.kill(-watching.pid!, 'SIGINT')
    expect(await exited).toBe(130)
    expect(out).toMatch(/torn down, nothing left behind/)
    expect(await labResources('tcp-basic', runId)).toEqual([])
  })
})
