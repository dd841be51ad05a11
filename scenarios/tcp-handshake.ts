// What tcp-basic looks like on the wire: the three-way handshake, the two messages, and the close.
import { dataSegments, exchange, expectClose, expectHandshake, tcpBetween } from '../engine/judge/packet-checks.ts'
import { defineScenario } from '../engine/model/scenario.ts'

export default defineScenario({
  title: 'The three-way handshake, the data and the close, packet by packet',
  teaches: 'O que é um Socket?',
  deadlineMs: 20_000,
  hosts: {
    server: { program: 'tcp-server', listens: 12345 },
    client: { program: 'tcp-client' },
  },
  capture: ['server'],
  expect: {
    client: { prints: ['Mensagem do servidor: Bem-vindo ao servidor!'], exit: 0 },
    server: { prints: ['Mensagem recebida do cliente: Olá, servidor!'], exit: 'running' },
  },
  check: ({ hosts: { client, server } }) => {
    const wire = { client, server, port: 12345 }
    const packets = tcpBetween(server.packets ?? [], wire)
    const firstData = packets.indexOf(dataSegments(packets, wire)[0])
    const firstFin = packets.findIndex((p) => p.flags?.includes('F'))
    const texts = dataSegments(packets, wire).map((p) => p.payload?.toString('utf8'))
    return [
      ...expectHandshake(packets, wire),
      {
        description: 'the welcome, then the greeting, crossed after the handshake and before the close',
        passed:
          texts[0] === 'Bem-vindo ao servidor!' &&
          texts[1] === 'Olá, servidor!' &&
          firstData > 2 &&
          firstFin > firstData,
        reason: `data segments: ${texts.map((t) => JSON.stringify(t)).join(', ') || 'none'}`,
        details: exchange(packets, [client, server]),
      },
      ...expectClose(packets, wire),
    ]
  },
})
