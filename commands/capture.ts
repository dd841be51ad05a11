// `lab capture <host>`: a live lab host's packets, decoded as they pass (tcpdump in its sidecar, streamed here
// into the lab's own decoder); `--write f.pcap` keeps them for Wireshark too. Ctrl-C ends it.
import { createWriteStream } from 'node:fs'
import { PassThrough, type Readable } from 'node:stream'
import { describePacket } from '../engine/judge/packets.ts'
import { followPcap } from '../engine/judge/pcap-stream.ts'
import { errors } from '../engine/model/errors.ts'
import { userPath } from '../engine/plan/layout.ts'
import { dockerAttached } from '../engine/runtime/docker.ts'
import { LAB, chooseHost } from './live.ts'
import type { Command } from './table.ts'

const command: Command = {
  name: 'capture',
  synopsis: 'capture <host> [--lab NAME] [--write FILE]',
  summary: 'a live lab host\'s packets, decoded as they pass (Ctrl-C ends); --write keeps a pcap',
  positionals: true,
  options: {
    lab: LAB,
    write: { type: 'string', value: 'FILE', help: 'also write the packets to FILE (pcap, for Wireshark)' },
  },
  async run(values, [hostName, ...rest]) {
    if (rest.length) throw errors.usage(`lab capture takes one host, not "${rest.join(' ')}"`)
    const { host, hosts } = await chooseHost(values.lab as string | undefined, hostName)
    if (!host.sidecar) throw errors.usage(`host ${host.name} shares another host's network: capture that host`)
    const names = Object.fromEntries([...hosts.values()].filter((h) => h.address).map((h) => [h.address!, h.name]))
    const tcpdump = dockerAttached(['exec', host.sidecar, 'tcpdump', '-i', 'eth0', '-n', '--immediate-mode', '-U', '-s', '0', '-w', '-'], ['inherit', 'pipe', 'inherit'])
    const packets = new PassThrough()
    tcpdump.stdout!.pipe(packets)
    if (values.write) tcpdump.stdout!.pipe(createWriteStream(userPath(values.write as string)))
    let zero: number | undefined
    await followPcap(packets as Readable, (packet) => console.log(describePacket(packet, (zero ??= packet.at), names)))
    return tcpdump.exited
  },
}

export default command
