// The network sidecar of one lab host. It joins the host's network namespace (network_mode: service:<host>)
// and is the only container of the lab with network capabilities, so a program under test can neither undo
// a fault nor reach past the lab: the program containers have none. What it applies comes from the engine
// (engine/plan/faults.ts) as JSON in LAB_NET; it reports on stdout, one event a line (services/bin/protocol.ts).
import { existsSync, rmSync } from 'node:fs'
import type { Server } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { listeningSockets } from './proc-sockets.ts'
import { GATEWAY_TABLE, announceListening, counters, flagListening, run, writeFlag } from './net-ops.ts'
import type { Impairments } from './impair.ts'
import { addTimed, applyPlan, type TimedTables } from './apply-plan.ts'
import { setUpRouting } from './routing.ts'
import { serveControl, stopCaptures } from './control.ts'
import { dnsWall } from './dns-wall.ts'
import {
  FAILED_LINK,
  READY_LINK,
  formatEvent,
  listeningFlag,
  readyFlag,
  type NetPlan,
  type SidecarEvent,
} from './protocol.ts'
import { Capture, reportCaptureEnd } from './capture.ts'

const plan: NetPlan = JSON.parse(process.env.LAB_NET || '{}')
const host = process.env.LAB_HOST ?? 'host'
const emit = (event: SidecarEvent) => console.log(formatEvent(host, event))
const note = (text: string) => emit({ kind: 'note', text })
/** A host on several networks: its device on each (services/bin/routing.ts). */
let devices: Record<string, string> = {}

/** Resolves once every host in `hosts` listens (their sidecars wrote /lab-sync/<host>.listening). */
async function untilListening(hosts: string[]): Promise<void> {
  while (!hosts.every((peer) => existsSync(listeningFlag(peer)))) await sleep(10)
}

/** What timed tables counted before they were deleted. */
const removedCounts: Record<string, number> = {}

let capture: Capture | undefined

let impairments: Impairments | undefined
let control: Server | undefined

/** The first host address of the first subnet route in `routes` (`172.18.0.0/16 dev eth0 …` gives 172.18.0.1). */
function firstAddress(routes: string): string | undefined {
  const found = routes.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)\/\d+ /m)
  return found ? `${found[1]}.${found[2]}.${found[3]}.${Number(found[4]) + 1}` : undefined
}

/** Applies the plan up to `lab-ready`; returns the timed faults, with their addresses, for scheduleTimed. */
async function setUp(): Promise<TimedTables> {
  // Docker gives containers on an internal network a default route via the bridge all the same; without it
  // nothing can leave the lab subnet, whatever a program tries.
  // The gateway is the bridge's address on the machine that runs the lab, inside the lab subnet's own route:
  // it is made unreachable from this host too (a route that refuses it, and a firewall rule that drops it).
  // Docker 26 gives a container on an internal network no default route: its gateway is then Docker's usual one,
  // the first address of the lab subnet.
  const gateway =
    run('ip', ['-4', 'route', 'show', 'default']).match(/default via ([\d.]+)/)?.[1] ??
    firstAddress(run('ip', ['-4', 'route', 'show', 'dev', 'eth0', 'proto', 'kernel']))
  for (const family of ['-4', '-6']) {
    while (run('ip', [family, 'route', 'show', 'default']).trim() !== '') run('ip', [family, 'route', 'del', 'default'])
  }
  note('default route removed')
  if (gateway) {
    run('ip', ['route', 'add', 'prohibit', `${gateway}/32`])
    run(
      'nft',
      ['-f', '-'],
      `table inet ${GATEWAY_TABLE} {\n  chain output {\n    type filter hook output priority 0; policy accept;\n    ip daddr ${gateway} drop\n  }\n}\n`,
    )
    emit({ kind: 'gateway-blocked', gateway })
  }
  // Docker's resolver forwards names it does not know out of the lab: only the lab's own names get through.
  run('nft', ['-f', '-'], dnsWall(plan.labNames ?? [host]))
  note("DNS: the lab's names only")
  // Docker forgets a container's address once it exits; the engine reads it here instead.
  const address = run('ip', ['-4', '-o', 'addr', 'show', 'dev', 'eth0']).match(/inet ([\d.]+)/)?.[1]
  if (address) emit({ kind: 'address', address })
  if (plan.interfaces) {
    const found = setUpRouting(plan, run)
    devices = found.devices
    emit({
      kind: 'interfaces',
      networks: Object.fromEntries(
        plan.interfaces.map(({ network, address }) => [
          network,
          { device: found.devices[network], index: found.indexes[network], address },
        ]),
      ),
    })
  }

  // The capture first: a link taken down (disconnect) cannot be captured once it is down.
  if (plan.capture) {
    capture = await Capture.start(`/capture/${host}.pcap`, {
      allInterfaces: plan.interfaces !== undefined,
      endedEarly: (said) => note(`tcpdump ended before the lab stopped it: ${said}`),
    })
    note(plan.interfaces ? 'capturing every interface' : 'capturing eth0')
  }
  const applied = await applyPlan(plan, { at: 'start', devices, emit })
  impairments = applied.impairments

  // A live lab's sidecar takes the engine's commands (a warm rerun's reset, `lab fault`) on a socket.
  if (process.env.LAB_CTL_SOCKET) control = await serveControl(host, process.env.LAB_CTL_SOCKET)
  // Watching for the program's socket starts first: the announce takes the sockets that listen already for
  // another's (a warm rerun's dying server), and a program released by the link below may listen within
  // milliseconds (a Node program starts held, lab-hold.mjs). Watching after the link, a starved sidecar once took
  // that snapshot after the server had bound, and never said it listened.
  if (plan.listens !== undefined) void announceListening(host, plan.listens, emit)
  // The last step: the program container waits for this link before it starts (services/bin/lab-run).
  run('ip', ['link', 'add', READY_LINK, 'type', 'veth', 'peer', 'name', `${READY_LINK}-peer`])
  emit({ kind: 'ready' })
  writeFlag(readyFlag(host), 'ready')
  if (plan.listens === undefined && plan.forward) flagListening(host, 'routing')
  return applied.timed
}

function scheduleTimed(timed: TimedTables): void {
  const started = Date.now()
  for (const event of timed) {
    setTimeout(() => {
      addTimed(event)
      emit({ kind: 'fault-on', table: event.table, at: Date.now() })
      note(`${event.table} on at ${Date.now() - started} ms`)
    }, event.atMs)
    if (event.untilMs !== undefined) {
      setTimeout(() => {
        // Forgetting the bogus neighbour makes the next packet ask ARP again, and the peer answers.
        if (event.misdirect) run('ip', ['neigh', 'del', event.misdirect, 'dev', 'eth0'])
        counters(event.table, removedCounts)
        run('nft', ['delete', 'table', 'inet', event.table])
        emit({ kind: 'fault-off', table: event.table, at: Date.now() })
        note(`${event.table} off at ${Date.now() - started} ms`)
      }, event.untilMs)
    }
  }
}

let timed: TimedTables = []
try {
  timed = await setUp()
} catch (error) {
  // The program container is waiting for lab-ready; lab-failed tells it to give up at once.
  emit({ kind: 'failed', error: (error as Error).message.split('\n')[0] })
  try {
    run('ip', ['link', 'add', FAILED_LINK, 'type', 'veth', 'peer', 'name', `${FAILED_LINK}-peer`])
  } catch {
    /* nothing more to do */
  }
  // The hosts that start after this one are not held up by it: this lab fails on its own problem, at once.
  try {
    writeFlag(readyFlag(host), 'failed')
  } catch {
    /* nothing more to do */
  }
  process.exit(1)
}

const stop = async () => {
  control?.close()
  if (process.env.LAB_CTL_SOCKET) rmSync(process.env.LAB_CTL_SOCKET, { force: true })
  const totals = counters(undefined, { ...removedCounts, ...(await impairments?.stop()) })
  emit({ kind: 'listening', sockets: listeningSockets() })
  // A dead impairment engine let every later packet pass unimpaired: this host's faults did not hold, and a
  // sidecar whose setup did not hold reports its failure (said when it died), not counters, and exits 1.
  const died = impairments?.died()
  if (!died) emit({ kind: 'counters', counters: totals })
  const exitCode = died ? 1 : 0
  const [ended] = await Promise.all([capture?.stop(), stopCaptures()])
  if (ended) reportCaptureEnd(ended, emit)
  process.exit(exitCode)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
// Timed faults count from the program's start: lab-run starts it once this host is ready and the hosts it waits
// for listen (within its 50 ms poll).
if (timed.length || impairments) {
  untilListening(plan.waitFor ?? []).then(
    () => {
      emit({ kind: 'timed-start' })
      scheduleTimed(timed)
      impairments?.programStarted()
    },
    () => undefined,
  )
}
setInterval(() => {}, 1 << 30)
