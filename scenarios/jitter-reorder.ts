// Delay with jitter, and a share of the packets sent ahead of the delayed ones (netem's `reorder`): numbered UDP
// datagrams arrive out of order and the application sees it; TCP's stream arrives whole and in order all the same,
// while the capture shows the out-of-order segments and the duplicate ACKs TCP answers them with.
import { binomialTolerance, falseFailureOdds } from '../engine/judge/stats.ts'
import {
  duplicateAcks,
  lateArrivals,
  numbersSeen,
  outOfOrderSegments,
  wireDatagrams,
} from '../engine/judge/impairments.ts'
import { defineScenario, type HostRun } from '../engine/model/scenario.ts'

// The engine decides for each datagram whether it goes ahead: a binomial count. 4.5 σ, as udp-loss.
const SIGMAS = 4.5
const sha256 = (host: HostRun) => host.stdout.map((l) => l.text.match(/^SHA-256 dos dados: (\w+)$/)?.[1]).find(Boolean)

export default defineScenario({ delay: 40, jitter: 10, reorder: 25, datagrams: 1000 }, (p) => ({
  title: `${p.delay} ± ${p.jitter} ms of delay, ${p.reorder} % sent ahead: UDP arrives out of order, TCP puts it back`,
  teaches: 'Sockets UDP',
  deadlineMs: 30_000,
  hosts: {
    server: { program: 'udp-numbered-server', listens: 12345 },
    client: { program: 'udp-numbered-client', args: [String(p.datagrams)] },
    sink: { program: 'recv-loop-server', listens: 12345 },
    sender: { program: 'stream-client', args: ['64', 'sink'], after: ['sink'] },
  },
  faults: [
    // Everything the client sends, its end marker over TCP too: else the marker overtakes the last datagrams.
    ...['client', 'sender'].flatMap((host) => [
      { kind: 'delay' as const, host, ms: p.delay, jitterMs: p.jitter },
      { kind: 'reorder' as const, host, percent: p.reorder },
    ]),
  ],
  capture: ['server', 'sink'],
  expect: {
    client: { prints: [`Enviados ${p.datagrams} datagramas`], exit: 0 },
    server: { exit: 0 },
    sender: { exit: 0 },
    sink: { prints: ['Servidor esperando por conexões...'], exit: 'running' },
  },
  check: ({ hosts: { client, server, sink, sender } }) => {
    const [ahead, delayed] = [client.faultCounters?.reorder ?? 0, client.faultCounters?.delay ?? 0]
    const band = binomialTolerance(ahead + delayed, p.reorder / 100, SIGMAS)
    const seen = numbersSeen(server)
    const read = new Set(seen)
    // The application's order is compared on the datagrams it read: the end marker may overtake the last few.
    const onWire = wireDatagrams(server.packets ?? [], client, server, 12345)
      .flatMap((d) => d.number ?? [])
      .filter((n) => read.has(n))
    const [wireLate, appLate] = [lateArrivals(onWire), lateArrivals(seen)]
    const [outOfOrder, dupAcks] = [
      outOfOrderSegments(sink.packets ?? [], sender, sink),
      duplicateAcks(sink.packets ?? [], sender, sink),
    ]
    const [sent, got] = [sha256(sender), sha256(sink)]
    return [
      {
        description: `about ${p.reorder} % of the datagrams went ahead of the delayed ones (binomial tolerance, ${SIGMAS} σ)`,
        passed: ahead + delayed >= p.datagrams && ahead >= band.low && ahead <= band.high,
        reason: `the client's sidecar sent ${ahead} of ${ahead + delayed} packets ahead, expected ${band.low} to ${band.high} (${falseFailureOdds(band.falseFailure)})`,
      },
      {
        description: 'the datagrams reached the server out of order, and its application read them out of order',
        passed: wireLate > 0 && appLate > 0,
        reason: `${wireLate} of ${onWire.length} arrived on the wire after a higher-numbered one; the application read ${appLate} such`,
      },
      {
        description:
          'TCP delivered the stream whole and in order, after out-of-order segments and duplicate ACKs on the wire',
        passed: sent !== undefined && sent === got && outOfOrder > 0 && dupAcks > 0,
        reason: `${outOfOrder} segments arrived out of order, the receiver sent ${dupAcks} duplicate ACKs; SHA-256 ${sent === got ? 'equal on both sides' : `sent ${sent ?? 'none'}, received ${got ?? 'none'}`}`,
      },
    ]
  },
}))
