// The same chat over TCP and over UDP, each through a 3 s network cut: TCP holds the messages back and
// retransmits them once the network heals; UDP loses what was sent into the cut, and nobody is told.
import { formatMs } from '../engine/judge/checks.ts'
import type { HostRun } from '../engine/model/scenario.ts'
import { defineScenario } from '../engine/model/scenario.ts'

const CUT = { atMs: 3000, forMs: 3000 }
// The cut's edges blur by the sidecar's timer and the nft and ip commands it runs (up to a few hundred ms on a busy
// machine): judge only messages sent clear of them.
const MARGIN_MS = 500

/** Numbered messages a host printed, with the epoch ms at which it printed each. */
const numbered = (host: HostRun, pattern: RegExp) =>
  host.stdout.flatMap(({ atMs, text }) => {
    const n = text.match(pattern)?.[1]
    return n ? [{ n: Number(n), at: host.startedAt + atMs }] : []
  })
/** 3, 4, 5, 9 → "3–5, 9". */
const ranges = (ns: number[]) =>
  ns
    .reduce<number[][]>((acc, n) => (acc.at(-1)?.at(-1) === n - 1 ? acc.at(-1)!.push(n) : acc.push([n]), acc), [])
    .map((r) => (r.length > 1 ? `${r[0]}–${r.at(-1)}` : `${r[0]}`))
    .join(', ') || 'none'

export default defineScenario({
  title: 'A chat across a 3 s network cut: TCP delivers everything after the heal, UDP loses what was sent into it',
  teaches: 'Comunicação Bidirecional e Persistente',
  deadlineMs: 30_000,
  hosts: {
    server: { program: 'tcp-chat-server', listens: 12345 },
    client: { program: 'tcp-chat-client' },
    userver: { program: 'udp-server', listens: 12345, after: [] },
    uclient: { program: 'udp-chat-client', after: ['userver'], env: { LAB_SERVER_HOST: 'userver' } },
  },
  // uclient's datagrams, as they left: when each was sent, by the kernel's clock, however late its line is logged.
  capture: ['uclient'],
  faults: [
    { kind: 'partition', between: ['client', 'server'], ...CUT },
    { kind: 'partition', between: ['uclient', 'userver'], ...CUT },
  ],
  expect: {
    client: { prints: ['40 de 40 mensagens confirmadas'], exit: 0 },
    server: { prints: ['Servidor esperando por conexões...'], exit: 'running' },
    uclient: { exit: 0 },
    userver: { exit: 'running' },
  },
  check: ({ hosts: { client, server, uclient, userver } }) => {
    // When the host's sidecar really cut and healed it; the plan's offsets only where it did not say.
    const cut = (host: HostRun) => {
      const window = host.faultWindows?.[0]
      return {
        start: window?.on ?? host.startedAt + CUT.atMs,
        end: window?.off ?? host.startedAt + CUT.atMs + CUT.forMs,
      }
    }
    const tcp = {
      sent: numbered(client, /^Enviada: Mensagem (\d+)$/),
      got: numbered(server, /^Cliente: Mensagem (\d+)$/),
      cut: cut(client),
    }
    // A datagram's time is when it left (uclient's capture), not when its "Enviada" line was logged: on a busy
    // machine a line can be logged half a second late, and a message sent before the cut looked sent into it.
    const leftAt = (n: number) =>
      uclient.packets?.find(
        (packet) => packet.proto === 'udp' && packet.dport === 12345 && packet.payload?.toString() === `Mensagem ${n}`,
      )?.at
    const udp = {
      sent: numbered(uclient, /^Enviada: Mensagem (\d+)$/).map((m) => ({ ...m, at: leftAt(m.n) ?? m.at })),
      got: numbered(userver, /: Mensagem (\d+)$/),
      cut: cut(uclient),
    }
    const inside =
      ({ cut }: typeof tcp) =>
      (m: { at: number }) =>
        m.at > cut.start + MARGIN_MS && m.at < cut.end - MARGIN_MS
    const outside =
      ({ cut }: typeof tcp) =>
      (m: { at: number }) =>
        m.at < cut.start - MARGIN_MS || m.at > cut.end + MARGIN_MS

    const tcpOrder = tcp.got.map((m) => m.n)
    const glued = numbered(server, /^Mensagem (\d+)$/).map((m) => m.n)
    const held = tcp.sent.filter(inside(tcp)).map((m) => ({ ...m, arrived: tcp.got.find((g) => g.n === m.n)?.at }))
    const delays = held.map((m) => (m.arrived ?? Infinity) - tcp.cut.end)
    const udpGot = new Set(udp.got.map((m) => m.n))
    const lost = udp.sent.filter((m) => !udpGot.has(m.n))
    const cutText = ({ cut }: typeof tcp, host: HostRun) =>
      `the cut lasted from ${formatMs(cut.start - host.startedAt)} to ${formatMs(cut.end - host.startedAt)} into ${host.host}'s run`
    return [
      {
        description: 'TCP delivered every message once, in order',
        passed: tcpOrder.length === tcp.sent.length && tcpOrder.every((n, i) => n === i + 1),
        reason:
          `the server got Mensagem ${ranges(tcpOrder)}${tcpOrder.every((n, i) => i === 0 || n > tcpOrder[i - 1]) ? '' : ' (out of order or repeated)'} of ${tcp.sent.length} sent` +
          (glued.length
            ? `; Mensagem ${ranges(glued)} came glued to an earlier one in the same recv: TCP is a byte stream, messages need a delimiter`
            : ''),
      },
      {
        description: 'the TCP messages sent during the cut arrived after the heal (TCP retransmitted them)',
        passed: held.length > 0 && delays.every((d) => d >= -MARGIN_MS && d < Infinity),
        reason:
          held.length === 0
            ? `no message was sent during the cut; ${cutText(tcp, client)}`
            : `Mensagem ${ranges(held.map((m) => m.n))} arrived ${formatMs(Math.min(...delays))} to ${formatMs(Math.max(...delays))} after the heal` +
              (delays.some((d) => d < -MARGIN_MS)
                ? ': some arrived while the network was cut, so the cut did not hold'
                : ''),
      },
      {
        description: 'UDP lost the messages sent during the cut, and only those',
        passed:
          udp.sent.some(inside(udp)) &&
          udp.sent.filter(inside(udp)).every((m) => !udpGot.has(m.n)) &&
          udp.sent.filter(outside(udp)).every((m) => udpGot.has(m.n)),
        reason:
          `lost Mensagem ${ranges(lost.map((m) => m.n))} (${lost.length} of ${udp.sent.length}), sent ` +
          (lost.length
            ? `${formatMs(lost[0].at - uclient.startedAt)} to ${formatMs(lost.at(-1)!.at - uclient.startedAt)} into the client's run; `
            : '') +
          cutText(udp, uclient),
      },
    ]
  },
})
