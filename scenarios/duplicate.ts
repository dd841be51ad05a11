// A share of the packets sent twice: UDP hands every copy to the application, which must notice on its own;
// TCP discards the copies by their sequence numbers, so the stream arrives once.
import { binomialTolerance, falseFailureOdds } from '../engine/judge/stats.ts'
import { copiedSegments, duplicatesIn, numbersSeen } from '../engine/judge/impairments.ts'
import { defineScenario, type HostRun } from '../engine/model/scenario.ts'

// Each datagram is copied or not: a binomial count. 4.5 σ, as udp-loss.
const SIGMAS = 4.5
// 256 KiB: at least 182 full segments (MSS 1448), so that some go out twice in all but 1 run in 10^8 (0.9^182).
// 64 KiB (46 segments) would leave a correct lab without a copy about 1 run in 200 (0.9^50): far too often for a check that fails students.
const STREAM_KIB = 256
const line = (host: HostRun, pattern: RegExp) => host.stdout.map((l) => l.text.match(pattern)?.[1]).find(Boolean)

export default defineScenario({ duplicate: 10, datagrams: 1000 }, (p) => ({
  title: `${p.duplicate} % of the packets are sent twice: UDP delivers both copies, TCP one`,
  teaches: 'Sockets UDP',
  deadlineMs: 30_000,
  hosts: {
    server: { program: 'udp-numbered-server', listens: 12345 },
    client: { program: 'udp-numbered-client', args: [String(p.datagrams)] },
    sink: { program: 'recv-loop-server', listens: 12345 },
    sender: { program: 'stream-client', args: [String(STREAM_KIB), 'sink'], after: ['sink'] },
  },
  faults: [
    { kind: 'duplicate', host: 'client', protocol: 'udp', percent: p.duplicate },
    { kind: 'duplicate', host: 'sender', percent: p.duplicate },
  ],
  capture: ['server', 'sender'],
  expect: {
    client: { prints: [`Enviados ${p.datagrams} datagramas`], exit: 0 },
    server: { exit: 0 },
    sender: { exit: 0 },
    sink: { prints: ['Servidor esperando por conexões...'], exit: 'running' },
  },
  check: ({ hosts: { client, server, sink, sender } }) => {
    const copies = client.faultCounters?.duplicate ?? 0
    const band = binomialTolerance(p.datagrams, p.duplicate / 100, SIGMAS)
    const seen = duplicatesIn(numbersSeen(server))
    const copied = copiedSegments(sender.packets ?? [], sender, sink)
    const [sent, got] = [line(sender, /^SHA-256 dos dados: (\w+)$/), line(sink, /^SHA-256 dos dados: (\w+)$/)]
    const bytes = line(sink, /^Bytes recebidos do cliente: (\d+)/)
    const noCopy = (1 - p.duplicate / 100) ** Math.ceil((STREAM_KIB * 1024) / 1448)
    return [
      {
        description: `the UDP application got about ${p.duplicate} % of the datagrams twice (binomial tolerance, ${SIGMAS} σ), every copy the client's sidecar sent`,
        passed: seen >= band.low && seen <= band.high && seen === copies,
        reason: `${seen} duplicates read, ${copies} copies sent; expected ${band.low} to ${band.high} (${falseFailureOdds(band.falseFailure)})`,
      },
      {
        description: 'TCP delivered each byte once, although segments arrived twice',
        // The same packet twice on the wire: a retransmission (a loaded machine's spurious timeout, a tail loss
        // probe) also repeats a segment's bytes, but as a new packet, and happens without the fault.
        passed: copied > 0 && sent !== undefined && sent === got && bytes === String(STREAM_KIB * 1024),
        reason: `${copied} segments went out twice (${sender.faultCounters?.duplicate ?? 0} copies sent); the server read ${bytes ?? 'no'} bytes, SHA-256 ${sent === got ? 'equal on both sides' : 'different'} (none twice: ${falseFailureOdds(noCopy)})`,
      },
    ]
  },
}))
