// UDP promises nothing: with a share of the datagrams dropped on the way to the server, the lost ones are just
// gone, and neither side is told. Each datagram carries its number and a checksum, so the server can say which.
import { defineScenario } from '../engine/model/scenario.ts'
import { binomialTolerance, falseFailureOdds } from '../engine/judge/stats.ts'

// A correct lab's loss count is binomial; 4.5 standard deviations make a false failure about 1 run in 160 000.
const SIGMAS = 4.5

export default defineScenario({ loss: 30, datagrams: 1000 }, (p) => ({
  title: `${p.loss} % of the datagrams to the server are lost, and nobody is told`,
  teaches: 'Sockets UDP',
  deadlineMs: 30_000,
  hosts: {
    server: { program: 'udp-numbered-server', listens: 12345 },
    client: { program: 'udp-numbered-client', args: [String(p.datagrams)] },
  },
  faults: [{ kind: 'loss', host: 'server', percent: p.loss, protocol: 'udp', direction: 'in' }],
  expect: {
    client: { prints: [`Enviados ${p.datagrams} datagramas`], exit: 0 },
    server: { prints: ['Servidor UDP esperando por datagramas numerados...'], exit: 0 },
  },
  check: ({ hosts: { server } }) => {
    const lines = server.stdout.map((line) => line.text)
    const numbers = lines.flatMap((text) => text.match(/^Datagrama (\d+) recebido$/)?.[1] ?? []).map(Number)
    const inRange = numbers.filter((n) => n >= 1 && n <= p.datagrams)
    const unreadable = lines.filter((text) => text.startsWith('Datagrama corrompido')).length
    const arrived = numbers.length + unreadable
    const corrupted = unreadable + numbers.length - inRange.length
    const duplicates = inRange.length - new Set(inRange).size
    const lost = p.datagrams - new Set(inRange).size
    const dropped = server.faultCounters?.loss ?? 0
    const band = binomialTolerance(p.datagrams, p.loss / 100, SIGMAS)
    const percent = (count: number) => `${((100 * count) / p.datagrams).toFixed(1)} %`
    return [
      {
        description: `the loss matches the configured ${p.loss} % (binomial tolerance, ${SIGMAS} σ)`,
        passed: lost >= band.low && lost <= band.high,
        reason:
          `observed ${percent(lost)} lost (${lost}/${p.datagrams}), expected ${p.loss} % ± ${percent(band.halfWidth).replace(' %', ' points')} ` +
          `(${SIGMAS} σ; ${falseFailureOdds(band.falseFailure)})`,
      },
      {
        description: 'no datagram arrived twice or corrupted',
        passed: duplicates === 0 && corrupted === 0,
        reason: `${duplicates} duplicated, ${corrupted} corrupted among ${arrived} that arrived`,
      },
      {
        description: 'every datagram either reached the server program or was dropped by the fault',
        passed: arrived + dropped === p.datagrams,
        reason:
          `${arrived} arrived + ${dropped} dropped by the fault = ${arrived + dropped} of ${p.datagrams}` +
          (arrived + dropped < p.datagrams
            ? ': the rest reached the host but not the program, whose socket buffer overflowed (the sender was too fast)'
            : ''),
      },
    ]
  },
}))
