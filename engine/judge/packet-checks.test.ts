import { describe, expect, it } from 'vitest'
import {
  EXCHANGE_LINES,
  addressBook,
  dataSegments,
  exchange,
  expectClose,
  expectHandshake,
  tcpBetween,
  udpBetween,
  type Endpoints,
} from './packet-checks.ts'
import { decodeEthernet } from './packets.ts'
import {
  ACK,
  CLIENT_IP,
  CLIENT_PORT,
  FIN,
  PSH,
  SERVER_IP,
  SERVER_PORT,
  SYN,
  fromServer,
  tcpFrame,
  udpFrame,
} from './fixtures/frames.ts'
import type { HostRun, Packet } from '../model/scenario.ts'

const host = (name: string, address: string): HostRun => ({
  host: name,
  address,
  started: true,
  exitCode: 0,
  startedAt: 0,
  elapsedMs: 0,
  stdout: [],
  stderr: [],
})
const client = host('client', CLIENT_IP)
const server = host('server', SERVER_IP)
const e: Endpoints = { client, server, port: SERVER_PORT }

/** Frames decoded as the capture would give them, 1 ms apart. */
const packets = (...frames: Buffer[]): Packet[] => frames.map((frame, i) => decodeEthernet(frame, i)!)
const verdicts = (checks: { passed: boolean }[]) => checks.map((c) => c.passed)

// A connection as Linux makes it: client ISN 4294967295 (wraps to 0 on +1), server ISN 7000.
const SYN_FRAME = tcpFrame(SYN, 0xffffffff, 0)
const SYN_ACK = fromServer(SYN | ACK, 7000, 0)
const HANDSHAKE_ACK = tcpFrame(ACK, 0, 7001)

describe('expectHandshake', () => {
  it('passes SYN, SYN-ACK of the client sequence + 1 (wrapping at 2^32), ACK of the server sequence + 1', () => {
    const checks = expectHandshake(packets(SYN_FRAME, SYN_ACK, HANDSHAKE_ACK), e)
    expect(verdicts(checks)).toEqual([true, true, true])
    expect(checks.map((c) => c.reason)).toEqual([
      'SYN seq=4294967295',
      'SYN-ACK seq=7000 ack=0 (client seq + 1 = 0)',
      'ACK ack=7001 (server seq + 1 = 7001)',
    ])
  })

  it('fails a SYN-ACK that acknowledges the wrong sequence number', () => {
    const checks = expectHandshake(packets(SYN_FRAME, fromServer(SYN | ACK, 7000, 5), tcpFrame(ACK, 0, 7001)), e)
    expect(verdicts(checks)).toEqual([true, false, true])
    expect(checks[1].reason).toBe('SYN-ACK seq=7000 ack=5 (client seq + 1 = 0)')
  })

  it('fails an ACK of the wrong server sequence, and each step missing or out of order', () => {
    expect(verdicts(expectHandshake(packets(SYN_FRAME, SYN_ACK, tcpFrame(ACK, 0, 7000)), e))).toEqual([
      true,
      true,
      false,
    ])
    expect(verdicts(expectHandshake(packets(SYN_ACK, SYN_FRAME, HANDSHAKE_ACK), e))).toEqual([true, false, false])
    expect(verdicts(expectHandshake(packets(SYN_FRAME, HANDSHAKE_ACK, SYN_ACK), e))).toEqual([true, true, false])
    const none = expectHandshake(packets(SYN_ACK, HANDSHAKE_ACK), e)
    expect(verdicts(none)).toEqual([false, false, false])
    expect(none[0].reason).toBe(`no SYN from client to server port ${SERVER_PORT} among 2 packets`)
  })

  it("takes no SYN-ACK from the client for the server's", () => {
    const fromClient = tcpFrame(SYN | ACK, 7000, 0)
    expect(verdicts(expectHandshake(packets(SYN_FRAME, fromClient, HANDSHAKE_ACK), e))).toEqual([true, false, false])
  })
})

describe('expectClose', () => {
  // The client sends 3 bytes then FIN at seq 10 + 3 = 13; the server acknowledges 14, then closes at 7001.
  const CLIENT_FIN = tcpFrame(FIN | ACK, 13, 7001)
  const SERVER_FIN = fromServer(FIN | ACK, 7001, 14)

  it('passes when each FIN is acknowledged with its sequence + its data length + 1', () => {
    const checks = expectClose(
      packets(tcpFrame(PSH | ACK, 10, 7001, { payload: 'abc' }), CLIENT_FIN, SERVER_FIN, tcpFrame(ACK, 14, 7002)),
      e,
    )
    expect(verdicts(checks)).toEqual([true, true])
    expect(checks[0].reason).toBe('FIN seq=13, acknowledged with ack=14')
  })

  it('counts the data the FIN itself carries', () => {
    const finWithData = tcpFrame(FIN | PSH | ACK, 10, 7001, { payload: 'abc' })
    expect(verdicts(expectClose(packets(finWithData, fromServer(FIN | ACK, 7001, 11)), e))[0]).toBe(false)
    expect(verdicts(expectClose(packets(finWithData, fromServer(FIN | ACK, 7001, 14)), e))[0]).toBe(true)
  })

  it('fails a FIN acknowledged with the wrong number, or by its own sender, or only before it was sent', () => {
    const wrong = expectClose(packets(CLIENT_FIN, fromServer(FIN | ACK, 7001, 13), tcpFrame(ACK, 14, 7002)), e)
    expect(verdicts(wrong)).toEqual([false, true])
    expect(wrong[0].reason).toBe('FIN seq=13 never acknowledged (ack=14)')
    expect(verdicts(expectClose(packets(CLIENT_FIN, tcpFrame(ACK, 14, 14)), e))[0]).toBe(false)
    expect(verdicts(expectClose(packets(fromServer(ACK, 7001, 14), CLIENT_FIN), e))[0]).toBe(false)
  })

  it('fails a side that never sent a FIN', () => {
    const checks = expectClose(packets(CLIENT_FIN, fromServer(ACK, 7001, 14)), e)
    expect(verdicts(checks)).toEqual([true, false])
    expect(checks[1].reason).toBe('no FIN from the server')
  })
})

describe('which packets belong to the exchange', () => {
  const otherPort = tcpFrame(SYN, 1, 0, { dport: 8080 })
  const otherHost = tcpFrame(SYN, 1, 0, { src: '172.18.0.9' })
  const wrongWay = fromServer(ACK, 1, 1, { sport: 9999 })

  it("keeps the TCP segments between client and server on the server's port, both ways", () => {
    const kept = tcpBetween(packets(SYN_FRAME, otherPort, SYN_ACK, otherHost, wrongWay, udpFrame('x')), e)
    expect(kept.map((p) => p.flags)).toEqual(['S', 'S.'])
  })

  it('keeps only segments that carry data', () => {
    const data = tcpFrame(PSH | ACK, 0, 7001, { payload: 'Olá' })
    expect(
      dataSegments(packets(SYN_FRAME, SYN_ACK, HANDSHAKE_ACK, data, fromServer(ACK, 7001, 4)), e).map((p) => p.length),
    ).toEqual([4])
  })

  it("keeps the UDP datagrams between client and server on the server's port, both ways", () => {
    const kept = udpBetween(
      packets(
        udpFrame('ida'),
        fromServer(0, 0, 0),
        udpFrame('resposta', { src: SERVER_IP, dst: CLIENT_IP, sport: SERVER_PORT, dport: CLIENT_PORT }),
        udpFrame('outra porta', { dport: 53 }),
        udpFrame('outro host', { dst: '172.18.0.9' }),
      ),
      e,
    )
    expect(kept.map((p) => p.payload?.toString())).toEqual(['ida', 'resposta'])
  })

  it('names addresses after their hosts, and shows the exchange from its first packet', () => {
    expect(addressBook([client, server, { ...host('x', ''), address: undefined }])).toEqual({
      [CLIENT_IP]: 'client',
      [SERVER_IP]: 'server',
    })
    expect(exchange(packets(SYN_FRAME, SYN_ACK), [client, server])).toEqual([
      `    +0 ms client:${CLIENT_PORT} → server:${SERVER_PORT} TCP [S] seq=4294967295 len=0`,
      `    +1 ms server:${SERVER_PORT} → client:${CLIENT_PORT} TCP [S.] seq=7000 ack=0 len=0`,
    ])
  })

  it('shows the first packets of a flood and counts the rest', () => {
    const flood = packets(...Array.from({ length: 50_000 }, () => udpFrame('x')))
    const lines = exchange(flood, [client, server])
    expect(lines).toHaveLength(EXCHANGE_LINES + 1)
    expect(lines.at(-1)).toBe(`    … and ${50_000 - EXCHANGE_LINES} more packets`)
  })
})
