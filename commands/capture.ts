// `lab capture <host>`: a live lab host's packets, decoded as they pass (tcpdump in its sidecar, streamed here
// into the lab's own decoder); `--write f.pcap` keeps them for Wireshark too. Ctrl-C ends it.
import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { finished } from 'node:stream/promises'
import { PassThrough, type Readable } from 'node:stream'
import { describePacket } from '../engine/judge/packets.ts'
import { followPcap } from '../engine/judge/pcap-stream.ts'
import { errors } from '../engine/model/errors.ts'
import { userPath } from '../engine/plan/layout.ts'
import * as docker from '../engine/runtime/docker.ts'
import { onInterrupt } from '../engine/runtime/teardown.ts'
import { LAB, chooseHost } from './live.ts'
import { defineCommand } from './table.ts'

/** tcpdump flushes and ends on SIGINT; one that does not is let go of with what it wrote. */
const CAPTURE_STOP_MS = 3000

const command = defineCommand({
  name: 'capture',
  synopsis: 'capture <host> [--lab NAME] [--write FILE]',
  summary: "a live lab host's packets, decoded as they pass (Ctrl-C ends); --write keeps a pcap",
  positionals: true,
  options: {
    lab: LAB,
    write: { type: 'string', value: 'FILE', help: 'also write the packets to FILE (pcap, for Wireshark)' },
  },
  async run(values, [hostName, ...rest]) {
    if (rest.length) throw errors.usage(`lab capture takes one host, not "${rest.join(' ')}"`)
    const { host, hosts } = await chooseHost(values.lab, hostName)
    if (!host.sidecar) throw errors.usage(`host ${host.name} shares another host's network: capture that host`)
    const sidecar = host.sidecar
    const names = Object.fromEntries([...hosts.values()].filter((h) => h.address).map((h) => [h.address!, h.name]))
    // `docker exec` without a terminal passes no signal on: Ctrl-C here would leave tcpdump running in the
    // sidecar. Its pid, kept there, lets the interrupt stop it; -Z root, because the sidecar's root has no
    // CAP_KILL to signal tcpdump's own user.
    const pidFile = `/run/lab-capture-${randomUUID()}.pid`
    const tcpdump = docker.dockerAttached(
      [
        'exec',
        sidecar,
        'sh',
        '-c',
        `echo $$ > ${pidFile}; exec tcpdump -i eth0 -n --immediate-mode -U -s 0 -Z root -w -`,
      ],
      ['inherit', 'pipe', 'inherit'],
    )
    const packets = new PassThrough()
    tcpdump.stdout!.pipe(packets)
    const file = values.write ? createWriteStream(userPath(values.write)) : undefined
    if (file) tcpdump.stdout!.pipe(file)
    const written = file ? finished(file).catch(() => undefined) : Promise.resolve()
    const stopping = onInterrupt(async () => {
      await docker
        .execToEnd(sidecar, ['sh', '-c', `kill -INT $(cat ${pidFile}); rm -f ${pidFile}`])
        .catch(() => undefined)
      // the pcap whole on disk before the process exits
      await Promise.race([
        Promise.all([tcpdump.exited, written]),
        new Promise((resolve) => setTimeout(resolve, CAPTURE_STOP_MS).unref()),
      ])
    }, `the capture on ${host.name}`)
    let zero: number | undefined
    await followPcap(packets as Readable, (packet) => console.log(describePacket(packet, (zero ??= packet.at), names)))
    const code = await tcpdump.exited
    stopping()
    await written
    return code
  },
})

export default command
