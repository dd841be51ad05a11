// Losses that come in bursts (Gilbert–Elliott, netem's `loss gemodel`): the link goes bad now and then and drops
// everything until it recovers. Numbered UDP datagrams show the bursts as runs of missing numbers.
import { binomialTolerance, falseFailureOdds } from '../engine/judge/stats.ts'
import { lossBursts, numbersSeen } from '../engine/judge/impairments.ts'
import { defineScenario } from '../engine/model/scenario.ts'

// In the bad state each datagram is lost and the link recovers after it with probability r; so of L lost
// datagrams, the number that ended a burst is binomial(L, r). 4.5 σ, as udp-loss.
const SIGMAS = 4.5

export default defineScenario({ p: 5, r: 25, datagrams: 3000 }, (p) => ({
  title: `Gilbert–Elliott loss (good to bad ${p.p} %, bad to good ${p.r} %): datagrams vanish in bursts of ${100 / p.r} on average`,
  teaches: 'Sockets UDP',
  deadlineMs: 40_000,
  hosts: {
    server: { program: 'udp-numbered-server', listens: 12345 },
    client: { program: 'udp-numbered-client', args: [String(p.datagrams)] },
  },
  faults: [{ kind: 'burst-loss', host: 'client', protocol: 'udp', model: { p: p.p, r: p.r } }],
  capture: ['server'],
  expect: {
    client: { prints: [`Enviados ${p.datagrams} datagramas`], exit: 0 },
    server: { exit: 0 },
  },
  check: ({ hosts: { client, server } }) => {
    const bursts = lossBursts(numbersSeen(server), p.datagrams)
    const lost = bursts.reduce((sum, length) => sum + length, 0)
    const dropped = client.faultCounters?.['burst-loss'] ?? 0
    const onWire = (server.packets ?? []).filter(
      (packet) => packet.proto === 'udp' && packet.src === client.address,
    ).length
    const band = binomialTolerance(lost, p.r / 100, SIGMAS)
    const mean = bursts.length ? lost / bursts.length : 0
    return [
      {
        description: `the losses came in bursts of ${100 / p.r} on average: of the lost datagrams, about ${p.r} % ended a burst (binomial, ${SIGMAS} σ)`,
        passed: lost > 0 && bursts.length >= band.low && bursts.length <= band.high,
        reason: `${lost} lost in ${bursts.length} bursts (mean ${mean.toFixed(2)}, longest ${Math.max(0, ...bursts)}); expected ${band.low} to ${band.high} bursts (${falseFailureOdds(band.falseFailure)})`,
      },
      {
        description: "every missing datagram was dropped by the client's sidecar, before the wire",
        passed: lost === dropped && onWire === p.datagrams - dropped,
        reason: `${lost} missing at the server, ${dropped} dropped by the model, ${onWire} on the server's wire`,
      },
    ]
  },
}))
