// A rate limit on the server's egress, measured the way a student would: time a big transfer at the client.
import { defineScenario } from '../engine/model/scenario.ts'

// ±20 %: the measurement counts payload only (headers take about 4 % of each frame) and a loaded machine jitters.
const TOLERANCE = 0.2

export default defineScenario({ kbit: 1000 }, (p) => ({
  title: `A ${p.kbit} kbit/s link: a 1 MiB transfer takes as long as the rate says`,
  teaches: 'Cliente e Servidor com Sockets',
  deadlineMs: 40_000,
  hosts: {
    server: { program: 'tcp-bulk-server', listens: 12345 },
    client: { program: 'tcp-bulk-client' },
  },
  faults: [{ kind: 'rate', host: 'server', kbit: p.kbit }],
  expect: {
    client: { prints: ['Recebidos 1048576 bytes'], exit: 0 },
    server: { prints: ['Servidor esperando por conexões...', 'Enviados 1048576 bytes'], exit: 'running' },
  },
  check: ({ hosts: { client } }) => {
    const printed = client.stdout.find((line) => line.text.startsWith('Vazão: '))?.text
    const kbit = Number(printed?.match(/^Vazão: (\d+) kbit\/s/)?.[1])
    const mbit = (value: number) => `${(value / 1000).toFixed(2)} Mbit/s`
    return [
      {
        description: `throughput within ±${TOLERANCE * 100} % of ${mbit(p.kbit)}`,
        passed: Math.abs(kbit - p.kbit) <= TOLERANCE * p.kbit,
        reason: !printed
          ? 'the client printed no throughput'
          : `measured ${mbit(kbit)} (${printed})${kbit > p.kbit * (1 + TOLERANCE) ? ': faster than the link allows, so nothing limited the rate' : ''}`,
      },
    ]
  },
}))
