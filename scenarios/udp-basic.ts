// The seed's UDP pair: one datagram there, one back, and nothing else on the wire: no handshake, no close.
import { exchange, tcpBetween, udpBetween } from '../engine/judge/packet-checks.ts'
import { formatMs } from '../engine/judge/checks.ts'
import { printedPeer } from '../engine/judge/sockets.ts'
import { defineScenario } from '../engine/model/scenario.ts'

export default defineScenario({
  title: 'UDP server and client trade one datagram each, with no connection',
  teaches: 'Sockets UDP',
  deadlineMs: 20_000,
  hosts: {
    server: { program: 'udp-server', listens: 12345 },
    client: { program: 'udp-client' },
  },
  capture: ['server'],
  expect: {
    client: { prints: ['Resposta do servidor: Mensagem recebida!'], exit: 0 },
    server: { prints: ['Servidor UDP esperando por mensagens...'], exit: 'running' },
  },
  check: ({ hosts: { client, server } }) => {
    const wire = { client, server, port: 12345 }
    const received = server.stdout.find((line) => line.text.startsWith('Mensagem recebida de '))?.text
    const datagrams = udpBetween(server.packets ?? [], wire)
    // A server on an IPv6 socket bound to `::` sees an IPv4 sender as ('::ffff:a.b.c.d', port, 0, 0): any form
    // of the client's address and port is the sender's (engine/judge/sockets.ts printedPeer).
    const printed = received?.match(/^Mensagem recebida de (\(.*\)): Olá, servidor UDP!$/)?.[1]
    const peer = printed === undefined ? undefined : printedPeer(printed)
    const tcp = tcpBetween(server.packets ?? [], wire)
    const shown = datagrams.map(
      (p) =>
        `${p.src === client.address ? 'client → server' : 'server → client'} ${JSON.stringify(p.payload?.toString('utf8'))}`,
    )
    return [
      {
        description: "the server printed the sender's address and its message",
        passed: peer !== undefined && peer.address === client.address && peer.port === datagrams[0]?.sport,
        reason: received ? `printed ${JSON.stringify(received)}` : 'the server printed no message',
        about: 'text',
      },
      {
        description: 'the client was not left waiting in recvfrom',
        passed: client.exitCode !== null,
        reason:
          client.exitCode === null
            ? `still waiting after ${formatMs(client.elapsedMs)}: no answer came, and the seed's client has no settimeout, so recvfrom waits forever`
            : `got its answer and ended after ${formatMs(client.elapsedMs)}`,
      },
      {
        description: 'on the wire: the greeting, then the answer to the same port, and no TCP handshake',
        passed:
          shown.length === 2 &&
          shown[0] === 'client → server "Olá, servidor UDP!"' &&
          shown[1] === 'server → client "Mensagem recebida!"' &&
          datagrams[1].dport === datagrams[0].sport &&
          tcp.length === 0,
        reason: `${shown.join(', ') || 'no datagram'}${tcp.length ? `, and ${tcp.length} TCP packets` : ''}`,
        details: exchange(datagrams, [client, server]),
        // A greeting and an answer to its port crossed: only their words can be wrong.
        ...(datagrams.length === 2 && datagrams[1].dport === datagrams[0].sport && tcp.length === 0
          ? { about: 'text' as const }
          : {}),
      },
    ]
  },
})
