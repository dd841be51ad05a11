// A capture decoded as it arrives (`lab capture`): the same decoder as a finished pcap's (packets.ts), fed by a
// stream that never ends on its own. A frame that cannot be decoded is counted, never thrown on.
import type { Readable } from 'node:stream'
import type { Packet } from '../model/scenario.ts'
import { decodeEthernet } from './packets.ts'

const LINKTYPE_ETHERNET = 1

/** Calls `onPacket` for each decoded packet; resolves with the count of undecodable frames when the stream ends. */
export async function followPcap(
  stream: Readable,
  onPacket: (packet: Packet) => void,
): Promise<{ undecodable: number }> {
  const { default: pcapParser } = await import('pcap-parser')
  return new Promise((resolve) => {
    let undecodable = 0
    let linkType = LINKTYPE_ETHERNET
    const parser = pcapParser.parse(stream)
    parser.on('globalHeader', (header: { linkLayerType: number }) => (linkType = header.linkLayerType))
    parser.on(
      'packet',
      (raw: { header: { timestampSeconds: number; timestampMicroseconds: number }; data: Buffer }) => {
        const packet =
          linkType === LINKTYPE_ETHERNET
            ? decodeEthernet(raw.data, raw.header.timestampSeconds * 1000 + raw.header.timestampMicroseconds / 1000)
            : undefined
        if (packet) onPacket(packet)
        else undecodable++
      },
    )
    parser.on('end', () => resolve({ undecodable }))
    parser.on('error', () => resolve({ undecodable }))
  })
}
