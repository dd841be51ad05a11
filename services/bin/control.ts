// A live lab's hand on a host's network, in its sidecar: `reset [PLAN]` undoes every fault and applies a new plan
// (`lab fault`); `fresh [PLAN]` also flushes conntrack and the host's listening flag, as a warm rerun needs;
// `announce PORT [GO]` says when the program listens, as lab-net.ts does at start; `go HOST GO` lets a warm
// rerun's program start (services/bin/lab-run), and so does an announce given GO; `arm HOST` makes the FIFO an
// armed lab-run waits on, and `arm HOST GO` hands it the run's token; `counters` reports the fault counters and
// listening sockets. It speaks the sidecar's events. Two ways in: the sidecar of a live lab serves
// it on a Unix socket in the lab's state folder (serveControl, one command a connection: a warm rerun asks it a
// few times and pays no process start), and lab-ctl.ts runs it through `docker exec` where that socket cannot be
// reached (an engine on another machine, a lab brought up before the socket existed).
import { chmodSync, closeSync, constants, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import net from 'node:net'
import readline from 'node:readline'
import { leftBehindStates, listeningSockets } from './proc-sockets.ts'
import { GATEWAY_TABLE, announceListening, counters, run, runAsync, writeFlag } from './net-ops.ts'
import { applyPlan } from './apply-plan.ts'
import {
  armFifo,
  formatEvent,
  goFlag,
  listeningFlag,
  onDemandCapture,
  parseControl,
  type SidecarEvent,
} from './protocol.ts'
import { Capture, reportCaptureEnd } from './capture.ts'
import { TOPOLOGY_TABLE } from './routing.ts'
import { DNS_TABLE } from './dns-wall.ts'

/** The nftables tables that keep a host inside its lab: set once at its start, never reset. */
const WALLS = [GATEWAY_TABLE, DNS_TABLE, TOPOLOGY_TABLE]

/** How long `arm HOST GO` waits for the armed lab-run to open its FIFO (it says `armed` just before). */
const ARM_DEADLINE_MS = 1000

/** Hands an armed lab-run (services/bin/lab-run, LAB_ARM) its run's token: once it has the FIFO open, as it does
 * right after saying it is armed. Without a reader, no open for writing succeeds (ENXIO), and none blocks. */
async function arm(host: string, go: string): Promise<void> {
  const deadline = Date.now() + ARM_DEADLINE_MS
  for (;;) {
    let fd: number
    try {
      fd = openSync(armFifo(host), constants.O_WRONLY | constants.O_NONBLOCK)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO' || Date.now() > deadline)
        throw new Error(`no entry point of ${host} is armed`)
      await new Promise((resolve) => setTimeout(resolve, 2))
      continue
    }
    try {
      writeSync(fd, `${go}\n`)
    } finally {
      closeSync(fd)
    }
    return
  }
}

/** A program that never listens: the engine gives up at 20 s (LISTEN_DEADLINE_MS); the announce ends soon after. */
const ANNOUNCE_DEADLINE_MS = 25_000

/** A reset's commands are independent of one another: run at once, they take the longest one's time, not the sum
 * (a warm rerun waits for them). `mayFail` ones have nothing to undo on a host that is already clean. */
const runAll = (commands: { cmd: string; args: string[]; mayFail?: boolean }[]) =>
  Promise.all(
    commands.map(({ cmd, args, mayFail }) =>
      runAsync(cmd, args).catch((error: unknown) => {
        if (!mayFail) throw error
      }),
    ),
  )

/** Whether a link is up (IFF_UP in its flags). */
const isUp = (link: string) => (Number(readFileSync(`/sys/class/net/${link}/flags`, 'utf8')) & 1) === 1

/** Whether a link has a permanent neighbor entry (a misdirect's, ATF_PERM in /proc/net/arp). */
const hasPermanentNeighbor = (link: string) =>
  readFileSync('/proc/net/arp', 'utf8')
    .split('\n')
    .slice(1)
    .some((row) => {
      const [, , flags, , , device] = row.trim().split(/\s+/)
      return device === link && (Number(flags) & 0x4) !== 0
    })

async function reset(host: string, fresh: boolean): Promise<void> {
  // What a cold host has already is not done again: each command is a process start in a rerun's few ms.
  const left = fresh ? leftBehindStates() : []
  const listed = runAsync('nft', ['-j', 'list', 'tables']).then(({ stdout }) => {
    const { nftables } = JSON.parse(stdout) as { nftables: { table?: { family: string; name: string } }[] }
    // The faults' tables are inet ones; Docker's (its DNS's NAT, as ip nat through iptables-nft) stay, and so do
    // the lab's walls: the gateway's, the resolver's, and a multi-network host's (deleting it let a router forward
    // out of the lab).
    const faultTables = nftables.flatMap(({ table }) =>
      table?.family === 'inet' && !WALLS.includes(table.name) ? [table.name] : [],
    )
    return runAll(faultTables.map((name) => ({ cmd: 'nft', args: ['delete', 'table', 'inet', name] })))
  })
  await Promise.all([
    listed,
    runAll([
      { cmd: 'tc', args: ['qdisc', 'del', 'dev', 'eth0', 'root'], mayFail: true }, // none was there
      ...(isUp('eth0') ? [] : [{ cmd: 'ip', args: ['link', 'set', 'eth0', 'up'] }]),
      ...(hasPermanentNeighbor('eth0')
        ? [{ cmd: 'ip', args: ['neigh', 'flush', 'dev', 'eth0', 'nud', 'permanent'] }]
        : []),
      ...(fresh
        ? [
            // Connections of the last run would otherwise still be tracked (an established flow skips new-flow rules);
            // an empty table, or an image without conntrack, is fine.
            { cmd: 'conntrack', args: ['-F'], mayFail: true },
            // A cold host knows no neighbour yet: its first packet to a peer asks ARP, and the capture shows it (a hint
            // reads those requests). The last run's entries would skip that.
            { cmd: 'ip', args: ['neigh', 'flush', 'dev', 'eth0'], mayFail: true },
            // What the last run's connections left (TIME-WAIT above all) would refuse the next server its port: the
            // guide's server binds without SO_REUSEADDR, and a cold lab has none of them. A kernel without sock_destroy
            // cannot.
            ...(left.length
              ? [{ cmd: 'ss', args: ['-K', ...left.flatMap((state) => ['state', state])], mayFail: true }]
              : []),
          ]
        : []),
    ]),
  ])
  if (!fresh) return
  // A router's flag says it forwards (lab-net.ts sets it at start, and its hosts' programs wait for it): it stays.
  const flag = listeningFlag(host)
  if (!existsSync(flag) || readFileSync(flag, 'utf8').trim() !== 'routing') rmSync(flag, { force: true })
}

/** Runs one command (its words, services/bin/protocol.ts parseControl); false once it reported a failure.
 * `signal` ends an announce nobody waits for any more. */
export async function control(
  host: string,
  args: string[],
  emit: (event: SidecarEvent) => void,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    const request = parseControl(args)
    switch (request.verb) {
      case 'reset':
      case 'fresh':
        await reset(host, request.verb === 'fresh')
        if (request.plan) await applyPlan(request.plan, { at: 'live', emit })
        emit({ kind: 'ready' })
        return true
      case 'announce': {
        const deadline = AbortSignal.timeout(ANNOUNCE_DEADLINE_MS)
        // Which sockets listen already is read as it starts: the go (a warm rerun's) may follow at once.
        const opened = announceListening(
          host,
          request.port,
          emit,
          signal ? AbortSignal.any([signal, deadline]) : deadline,
        )
        if (request.go) writeFlag(goFlag(host), request.go)
        if (!(await opened)) {
          emit({ kind: 'failed', error: `nothing listened on port ${request.port}` })
          return false
        }
        return true
      }
      case 'go':
        writeFlag(goFlag(request.host), request.go)
        return true
      case 'arm':
        // root's alone: a program container opens it as root (lab-run), never as the program's user
        if (request.go) await arm(request.host, request.go)
        else if (!existsSync(armFifo(request.host))) run('mkfifo', ['-m', '600', armFifo(request.host)])
        return true
      case 'counters':
        emit({ kind: 'listening', sockets: listeningSockets() })
        emit({ kind: 'counters', counters: counters() })
        return true
      case 'capture': {
        const running = captures.get(request.id)
        if (request.action === 'stop' && !running) throw new Error(`no capture ${request.id} runs`)
        captures.delete(request.id)
        const end = running && (await running.stop())
        if (request.action === 'stop') {
          reportCaptureEnd(end!, emit)
          return true
        }
        const file = onDemandCapture(request.id)
        captures.set(
          request.id,
          await Capture.start(file, {
            allInterfaces: request.allInterfaces,
            endedEarly: (said) => emit({ kind: 'note', text: `tcpdump ended before it was stopped: ${said}` }),
          }),
        )
        emit({ kind: 'capture-started', file })
        return true
      }
    }
  } catch (error) {
    // A command's own complaint (nft's, tc's) says more than "Command failed".
    const said = String((error as { stderr?: unknown }).stderr ?? '')
      .trim()
      .split('\n')
      .at(-1)
    emit({ kind: 'failed', error: said || (error as Error).message.split('\n')[0] })
    return false
  }
}

/** The captures `capture start` began, by id, in the process that serves the commands (a live lab's lab-net.ts). */
const captures = new Map<string, Capture>()

/** Stops every capture still running (the sidecar is stopping), so that each file is whole. */
export async function stopCaptures(): Promise<void> {
  await Promise.all([...captures.values()].map((capture) => capture.stop()))
  captures.clear()
}

/** Longest request line: a plan is a few KiB. */
const REQUEST_MAX_BYTES = 1 << 20

/** Serves `control` on a Unix socket: a connection sends one JSON line, `{"args": [...]}`, and reads the events
 * until the server ends it. Only the sidecar mounts the folder: the host's program containers never see it. */
export async function serveControl(host: string, socket: string): Promise<net.Server> {
  rmSync(socket, { force: true })
  const server = net.createServer((connection) => {
    const gone = new AbortController()
    connection.on('close', () => gone.abort())
    connection.on('error', () => gone.abort())
    const lines = readline.createInterface({ input: connection, crlfDelay: Infinity })
    let bytes = 0
    connection.on('data', (chunk: Buffer) => (bytes += chunk.length) > REQUEST_MAX_BYTES && connection.destroy())
    lines.once('line', (line) => {
      lines.close()
      const send = (event: SidecarEvent) => connection.writable && connection.write(`${formatEvent(host, event)}\n`)
      let args: unknown
      try {
        args = (JSON.parse(line) as { args?: unknown }).args
      } catch {
        /* answered below */
      }
      if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) {
        send({ kind: 'failed', error: 'lab-ctl: a request is one JSON line {"args": [...]}' })
        connection.end()
        return
      }
      void control(host, args, send, gone.signal).finally(() => connection.end())
    })
  })
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socket, resolve))
  // The engine may run as the person who brought the lab up, not root; the folder above is theirs alone.
  chmodSync(socket, 0o666)
  return server
}
