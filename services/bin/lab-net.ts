// The network sidecar of one lab host. It joins the host's network namespace (network_mode: service:<host>)
// and is the only container of the lab with network capabilities, so a program under test can neither undo
// a fault nor reach past the lab: the program containers have none.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'

/** What the engine asks of this host's network, passed as JSON in LAB_NET. */
export interface NetPlan {
  /** nftables ruleset applied before the program starts (faults). */
  nft?: string
  /** tc commands (argv after `tc`), for rate limits. */
  tc?: string[][]
  /** Write every packet of eth0 to /capture/<host>.pcap. */
  capture?: boolean
}

const plan: NetPlan = JSON.parse(process.env.LAB_NET || '{}')
const host = process.env.LAB_HOST ?? 'host'
const say = (line: string) => console.log(`lab-net[${host}]: ${line}`)
const run = (cmd: string, args: string[], input?: string) =>
  execFileSync(cmd, args, { input, stdio: ['pipe', 'pipe', 'inherit'], encoding: 'utf8' })

// Docker gives containers on an internal network a default route via the bridge all the same; without it
// nothing can leave the lab subnet, whatever a program tries.
for (const family of ['-4', '-6']) {
  while (run('ip', [family, 'route', 'show', 'default']).trim() !== '') run('ip', [family, 'route', 'del', 'default'])
}
say('default route removed')

if (plan.nft) {
  run('nft', ['-f', '-'], plan.nft)
  say('faults applied (nftables)')
}
for (const args of plan.tc ?? []) run('tc', args)

let tcpdump: ChildProcess | undefined
if (plan.capture) {
  tcpdump = spawn('tcpdump', ['-i', 'eth0', '-n', '-U', '-s', '0', '-Z', 'root', '-w', `/capture/${host}.pcap`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  await new Promise<void>((resolve, reject) => {
    let seen = ''
    tcpdump!.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      if (seen.includes('listening on')) resolve()
    })
    tcpdump!.once('exit', (code) => reject(new Error(`tcpdump exited with ${code}: ${seen.trim()}`)))
  })
  say('capturing eth0')
}

// The last step: the program container waits for this link before it starts (services/bin/lab-run).
run('ip', ['link', 'add', 'lab-ready', 'type', 'veth', 'peer', 'name', 'lab-ready-peer'])
say('ready')

const stop = () => {
  if (!tcpdump || tcpdump.exitCode !== null) process.exit(0)
  tcpdump.once('exit', () => process.exit(0))
  tcpdump.kill('SIGINT') // tcpdump flushes the pcap on SIGINT
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
setInterval(() => {}, 1 << 30)
