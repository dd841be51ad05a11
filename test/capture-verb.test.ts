// The sidecar's capture command (services/bin/control.ts `capture start|stop ID`): a live lab's capture, within a
// cold run's caps, written to a file in the sidecar that the engine reads as a cold run's. Asked over the lab's
// control socket and, for an engine that cannot reach it, through two separate `docker exec lab-ctl.ts`.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { $ } from 'zx'
import { afterAll, describe, expect, it } from 'vitest'
import { ROOT } from '../engine/plan/layout.ts'
import { readFileFrom } from '../engine/runtime/containers.ts'
import { readPcap } from '../engine/judge/packets.ts'
import { onDemandCapture, parseEvent } from '../services/bin/protocol.ts'
import { labResources } from './lab-process.ts'

const state = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-capture-test-'))
const env = { SOCKET_LAB_STATE: state, SOCKET_LAB_SCENARIOS: path.join(ROOT, 'scenarios') }
const lab = async (...args: string[]) =>
  $({
    cwd: ROOT,
    quiet: true,
    nothrow: true,
    env: { ...process.env, ...env, NO_COLOR: '1' },
  })`node --import tsx lab.ts ${args}`
const DATAGRAMS =
  'import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\nfor i in range(20): s.sendto(b"x",("server",12345))'

/** The events a sidecar's control socket answers to a command. */
const ask = (socket: string, args: string[]) =>
  new Promise<ReturnType<typeof parseEvent>[]>((resolve, reject) => {
    let said = ''
    const connection = net.createConnection(socket, () => connection.write(`${JSON.stringify({ args })}\n`))
    connection.on('data', (chunk: Buffer) => (said += chunk))
    connection.on('close', () => resolve(said.split('\n').filter(Boolean).map(parseEvent)))
    connection.on('error', reject)
  })

/** The UDP datagrams to the server's port in a pcap the sidecar wrote. */
async function datagramsIn(sidecar: string, id: string): Promise<number> {
  const pcap = await readFileFrom(sidecar, onDemandCapture(id))
  expect(pcap).toBeDefined()
  return (await readPcap(pcap!)).packets.filter((p) => p.proto === 'udp' && p.dport === 12345).length
}

afterAll(async () => {
  await lab('down')
  await rm(state, { recursive: true, force: true })
})

describe("a live lab's capture command", { timeout: 180_000 }, () => {
  it('captures between start and stop into a file the engine reads, over the socket and through docker exec', async () => {
    const up = await lab('up', 'tcp-basic')
    expect(up.exitCode, up.stderr).toBe(0)
    const socket = path.join(state, 'tcp-basic', 'control', 'client', 'ctl.sock')
    // This lab's own run id: another test, or another person, may have a tcp-basic lab up meanwhile.
    const { runId } = JSON.parse(await readFile(path.join(state, 'tcp-basic', 'lab.json'), 'utf8')) as { runId: string }
    const sidecar = (
      await $({
        quiet: true,
      })`docker ps -q --filter label=com.docker.compose.service=client-net --filter label=socket-lab.run=${runId}`
    ).stdout.trim()
    expect(sidecar).not.toBe('')

    const started = await ask(socket, ['capture', 'start', 'by-socket'])
    expect(started).toContainEqual({ host: 'client', kind: 'capture-started', file: onDemandCapture('by-socket') })
    expect((await lab('exec', 'client', '--', 'python3', '-c', DATAGRAMS)).exitCode).toBe(0)
    const stopped = await ask(socket, ['capture', 'stop', 'by-socket'])
    const ended = stopped.find((event) => event?.kind === 'capture-ended')
    expect(ended, JSON.stringify(stopped)).toMatchObject({ kind: 'capture-ended', dropped: 0 })
    expect(await datagramsIn(sidecar, 'by-socket')).toBe(20)
    expect(await ask(socket, ['capture', 'stop', 'by-socket'])).toContainEqual({
      host: 'client',
      kind: 'failed',
      error: 'no capture by-socket runs',
    })

    // Each exec is a process of its own: the capture lives in the sidecar's, reached through its socket inside.
    const ctl = (...args: string[]) =>
      $({ quiet: true, nothrow: true })`docker exec ${sidecar} node /usr/local/bin/lab-ctl.ts ${args}`
    expect((await ctl('capture', 'start', 'by-exec')).stdout).toContain('"kind":"capture-started"')
    expect((await lab('exec', 'client', '--', 'python3', '-c', DATAGRAMS)).exitCode).toBe(0)
    const byExec = await ctl('capture', 'stop', 'by-exec')
    expect(byExec.exitCode, byExec.stdout).toBe(0)
    expect(byExec.stdout).toContain('"kind":"capture-ended"')
    expect(await datagramsIn(sidecar, 'by-exec')).toBe(20)

    expect((await lab('down', 'tcp-basic')).exitCode).toBe(0)
    expect(await labResources('tcp-basic', runId)).toEqual([])
  })
})
