// The router between a chat's clients and servers goes down for 3 s mid-conversation (a timed blackhole on the
// router: it forwards nothing). TCP retransmits what was sent into the outage and delivers it after the router
// returns; a client with a 1 s settimeout on every answer reports the timeout instead; UDP loses what was sent
// meanwhile, and nobody is told.
import { formatMs } from '../engine/judge/checks.ts'
import { defineScenario, type HostRun } from '../engine/model/scenario.ts'

const DOWN = { atMs: 3000, forMs: 3000 }
// The outage's edges blur by the sidecar's timer and the nft commands it runs: judge only messages clear of them.
const MARGIN_MS = 500
const servers = { networks: ['servers'], routes: [{ to: 'clients', via: 'router' }] }
const clients = { networks: ['clients'], routes: [{ to: 'servers', via: 'router' }] }

/** Numbered messages a host printed, with the epoch ms at which it printed each. */
const numbered = (host: HostRun | undefined, pattern: RegExp) =>
  (host?.stdout ?? []).flatMap(({ atMs, text }) => {
    const n = text.match(pattern)?.[1]
    return n ? [{ n: Number(n), at: host!.startedAt + atMs }] : []
  })

export default defineScenario({
  title: 'The router goes down for 3 s: TCP retransmits and recovers, settimeout gives up, UDP loses',
  teaches: 'Tratando Exceções e Timeout',
  deadlineMs: 30_000,
  networks: { clients: {}, servers: {} },
  hosts: {
    server: { program: 'tcp-chat-server', listens: 12345, ...servers },
    tserver: { program: 'tcp-chat-server', listens: 12345, ...servers },
    userver: { program: 'udp-server', listens: 12345, ...servers },
    router: { program: 'idle', networks: { clients: { address: 254 }, servers: { address: 254 } }, router: {} },
    client: { program: 'tcp-chat-client', ...clients },
    tclient: {
      program: 'deadline-chat-client',
      env: { LAB_SERVER_HOST: 'tserver' },
      after: ['tserver', 'router'],
      ...clients,
    },
    uclient: {
      program: 'udp-chat-client',
      env: { LAB_SERVER_HOST: 'userver' },
      after: ['userver', 'router'],
      ...clients,
    },
  },
  faults: [{ kind: 'blackhole', host: 'router', ...DOWN }],
  expect: {
    server: { prints: ['Servidor esperando por conexões...'], exit: 'running' },
    tserver: { prints: ['Servidor esperando por conexões...'], exit: 'running' },
    userver: { exit: 'running' },
    router: { exit: 'running' },
    client: { prints: ['40 de 40 mensagens confirmadas'], exit: 0 },
    tclient: { exit: 0 },
    uclient: { exit: 0 },
  },
  check: ({ hosts: { router, client, server, tclient, uclient, userver } }) => {
    // When the router's sidecar really took it down and up again; the plan's offsets only where it did not say.
    const window = router.faultWindows?.[0]
    const down = {
      start: window?.on ?? router.startedAt + DOWN.atMs,
      end: window?.off ?? router.startedAt + DOWN.atMs + DOWN.forMs,
    }
    const downText = `the router was down from ${formatMs(DOWN.atMs)} to ${formatMs(DOWN.atMs + DOWN.forMs)} of its run`
    const inside = (m: { at: number }) => m.at > down.start + MARGIN_MS && m.at < down.end - MARGIN_MS
    const outside = (m: { at: number }) => m.at < down.start - MARGIN_MS || m.at > down.end + MARGIN_MS

    const held = numbered(client, /^Enviada: Mensagem (\d+)$/).filter(inside)
    const got = numbered(server, /^Cliente: Mensagem (\d+)$/)
    const late = held.map((m) => (got.find((g) => g.n === m.n)?.at ?? Infinity) - down.end)
    const expired = tclient?.stdout.find((line) => line.text.startsWith('A conexão expirou'))
    const expiredAt = expired ? tclient.startedAt + expired.atMs : NaN
    const udpSent = numbered(uclient, /^Enviada: Mensagem (\d+)$/)
    const udpGot = new Set(numbered(userver, /: Mensagem (\d+)$/).map((m) => m.n))
    const lost = udpSent.filter((m) => !udpGot.has(m.n)).map((m) => m.n)
    return [
      {
        description: 'TCP delivered what was sent while the router was down, after it came back (retransmitted)',
        passed: held.length > 0 && late.every((ms) => ms >= -MARGIN_MS && ms < Infinity) && got.length === 40,
        reason:
          held.length === 0
            ? `no message was sent while the router was down; ${downText}`
            : `Mensagem ${held[0].n}–${held.at(-1)!.n} arrived ${formatMs(Math.min(...late))} to ${formatMs(Math.max(...late))} after the router came back; the server got ${got.length} of 40`,
      },
      {
        description: 'the client with a 1 s settimeout reported the timeout while the router was down',
        passed: expired !== undefined && expiredAt > down.start && expiredAt < down.end + MARGIN_MS,
        reason: expired
          ? `it printed "${expired.text}" ${formatMs(expiredAt - down.start)} after the router went down; ${downText}`
          : `it printed no timeout; its last line: ${JSON.stringify(tclient?.stdout.at(-1)?.text ?? 'none')}`,
      },
      {
        description: 'UDP lost the datagrams sent while the router was down, and only those',
        passed:
          udpSent.some(inside) &&
          udpSent.filter(inside).every((m) => !udpGot.has(m.n)) &&
          udpSent.filter(outside).every((m) => udpGot.has(m.n)),
        reason: `lost Mensagem ${lost.join(', ') || 'none'} (${lost.length} of ${udpSent.length}); ${downText}`,
      },
    ]
  },
})
