// `lab capture <host>`: a live lab host's packets, decoded as they pass (tcpdump in its sidecar, streamed here
// into the lab's own decoder); `--write f.pcap` keeps them for Wireshark too. Ctrl-C ends it.
import { createWriteStream } from 'node:fs'
import { finished } from 'node:stream/promises'
import { describePacket } from '../engine/judge/packets.ts'
import { errors } from '../engine/model/errors.ts'
import { userPath } from '../engine/plan/layout.ts'
import { startLiveCapture } from '../engine/runtime/live-capture.ts'
import { onInterrupt } from '../engine/runtime/teardown.ts'
import { LAB, chooseHost } from './live.ts'
import { defineCommand } from './table.ts'

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
    const names = Object.fromEntries([...hosts.values()].filter((h) => h.address).map((h) => [h.address!, h.name]))
    const file = values.write ? createWriteStream(userPath(values.write)) : undefined
    const written = file ? finished(file).catch(() => undefined) : Promise.resolve()
    let zero: number | undefined
    const capture = await startLiveCapture(
      host.sidecar,
      (packet) => console.log(describePacket(packet, (zero ??= packet.at), names)),
      { write: file, onNote: (text) => console.error(text) },
    )
    // Ctrl-C stops tcpdump in the sidecar, and the pcap is whole on disk before the process exits.
    const stopping = onInterrupt(async () => {
      await capture.stop()
      await written
    }, `the capture on ${host.name}`)
    const code = await capture.ended
    stopping()
    await written
    return code ?? 0
  },
})

export default command
