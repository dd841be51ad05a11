// A bit flipped in a share of the packets. The receiving kernel checks the UDP and TCP checksums: a corrupted
// datagram is dropped before any application sees it (the capture has it, the program does not), and TCP sends
// a corrupted segment again. With `--param recompute=1` the checksum is made to match the flipped bit, as a
// buggy middlebox or memory error would: then only the application's own check catches it.
import { binomialTolerance, falseFailureOdds } from '../engine/judge/stats.ts'
import { corruptSeen, numbersSeen, repeatedSegments, wireDatagrams } from '../engine/judge/impairments.ts'
import { defineScenario, type HostRun } from '../engine/model/scenario.ts'

// Each datagram is corrupted or not: a binomial count. 4.5 σ, as udp-loss.
const SIGMAS = 4.5
const sha256 = (host: HostRun) => host.stdout.map((l) => l.text.match(/^SHA-256 dos dados: (\w+)$/)?.[1]).find(Boolean)

export default defineScenario({ corrupt: 10, datagrams: 1000, recompute: 0 }, (p) => ({
  title: `${p.corrupt} % of the packets get a flipped bit${p.recompute ? ', with checksums recomputed' : ''}`,
  teaches: 'Sockets UDP',
  deadlineMs: 30_000,
  hosts: {
    server: { program: 'udp-numbered-server', listens: 12345 },
    client: { program: 'udp-numbered-client', args: [String(p.datagrams)] },
    sink: { program: 'recv-loop-server', listens: 12345 },
    // 256 KiB: about 180 segments, so that some are corrupted in all but 1 run in 10^8 (0.9^180)
    sender: { program: 'stream-client', args: ['256', 'sink'], after: ['sink'] },
  },
  faults: [
    { kind: 'corrupt', host: 'client', protocol: 'udp', percent: p.corrupt, recomputeChecksum: p.recompute === 1 },
    { kind: 'corrupt', host: 'sender', percent: p.corrupt },
  ],
  capture: ['server', 'sender'],
  expect: {
    client: { prints: [`Enviados ${p.datagrams} datagramas`], exit: 0 },
    server: { exit: 0 },
    sender: { exit: 0 },
    sink: { prints: ['Servidor esperando por conexões...'], exit: 'running' },
  },
  check: ({ hosts: { client, server, sink, sender } }) => {
    const onWire = wireDatagrams(server.packets ?? [], client, server, 12345)
    const damaged = onWire.filter((d) => !d.intact).length
    const band = binomialTolerance(p.datagrams, p.corrupt / 100, SIGMAS)
    const [good, bad] = [new Set(numbersSeen(server)).size, corruptSeen(server)]
    // The sidecar's count, not the capture's: a capture on a busy machine may miss a packet or two.
    const corrupted = client.faultCounters?.corrupt ?? 0
    const retransmitted = repeatedSegments(sender.packets ?? [], sender, sink)
    return [
      {
        description: `about ${p.corrupt} % of the datagrams reached the server corrupted (binomial tolerance, ${SIGMAS} σ)`,
        passed: damaged >= band.low && damaged <= band.high,
        reason: `${damaged} of ${onWire.length} in the server's capture fail the datagram's own checksum; expected ${band.low} to ${band.high} (${falseFailureOdds(band.falseFailure)})`,
      },
      p.recompute
        ? {
            description:
              "with the checksum recomputed, the kernel let every corrupted datagram through: only the application's check caught them",
            passed: bad === corrupted && good === p.datagrams - corrupted,
            reason: `the application rejected ${bad} as corrupted and accepted ${good}; the client's sidecar corrupted ${corrupted}`,
          }
        : {
            description:
              "the server's kernel dropped every corrupted datagram by its UDP checksum: the application never saw one",
            passed: bad === 0 && good === p.datagrams - corrupted,
            reason: `the application read ${good} intact and ${bad} corrupted of ${p.datagrams} sent; the client's sidecar corrupted ${corrupted}`,
          },
      {
        description: 'TCP retransmitted the corrupted segments and delivered the stream intact',
        passed: retransmitted > 0 && sha256(sender) !== undefined && sha256(sender) === sha256(sink),
        reason: `${retransmitted} segments sent again; SHA-256 ${sha256(sender) === sha256(sink) ? 'equal on both sides' : 'different'}`,
      },
    ]
  },
}))
