import { describe, expect, it } from 'vitest'
import { checkScenario, errorLine, expectExit, expectPrinted, formatMs } from './checks.ts'
import type { HostRun, Scenario } from '../model/scenario.ts'

const host = (over: Partial<HostRun> = {}): HostRun => ({
  host: 'client',
  started: true,
  exitCode: 0,
  startedAt: 0,
  elapsedMs: 120,
  stderr: [],
  stdout: [
    { atMs: 12, text: 'Mensagem do servidor: Bem-vindo ao servidor!' },
    { atMs: 30, text: 'fim' },
  ],
  ...over,
})

describe('expectPrinted', () => {
  it('passes with the time the line was printed', () => {
    expect(expectPrinted(host(), ['Mensagem do servidor: Bem-vindo ao servidor!'])).toEqual([
      {
        description: 'client printed "Mensagem do servidor: Bem-vindo ao servidor!"',
        passed: true,
        reason: 'printed after 12 ms',
      },
    ])
  })

  it('fails naming what was printed instead', () => {
    const [check] = expectPrinted(host({ stdout: [{ atMs: 5, text: 'Mensagem do servidor: ' }] }), [
      'Mensagem do servidor: Bem-vindo ao servidor!',
    ])
    expect(check.passed).toBe(false)
    expect(check.reason).toBe('client never printed it; its last output: "Mensagem do servidor: "')
  })

  it('requires the lines in order', () => {
    const checks = expectPrinted(host(), ['fim', 'Mensagem do servidor: Bem-vindo ao servidor!'])
    expect(checks.map((c) => c.passed)).toEqual([true, false])
  })
})

describe('expectExit', () => {
  it('reports the exit code, the time and the last stderr line of a failure', () => {
    const check = expectExit(
      host({
        exitCode: 1,
        elapsedMs: 2500,
        stderr: [{ atMs: 2400, text: 'ConnectionRefusedError: [Errno 111] Connection refused' }],
      }),
      0,
    )
    expect(check).toEqual({
      description: 'client exited with code 0',
      passed: false,
      reason: 'exited with code 1 after 2.5 s: ConnectionRefusedError: [Errno 111] Connection refused',
    })
  })

  it('expects a server to keep running', () => {
    expect(expectExit(host({ host: 'server', exitCode: null, elapsedMs: 1600 }), 'running')).toEqual({
      description: 'server kept serving until the end',
      passed: true,
      reason: 'still running after 1.6 s',
    })
    expect(expectExit(host({ host: 'server', exitCode: 1 }), 'running').passed).toBe(false)
  })
})

describe('checkScenario', () => {
  const scenario: Scenario = {
    id: 'x',
    title: 'x',
    teaches: 'x',
    deadlineMs: 1000,
    hosts: { client: { program: 'tcp-client' } },
    expect: { client: { prints: ['fim'], exit: 0 } },
  }

  it('fails every expectation of a host that never ran, and says why the lab stopped', () => {
    const checks = checkScenario(scenario, {
      hosts: {},
      problems: [{ kind: 'lab-up', text: 'the lab did not come up: boom' }],
    })
    expect(checks.map((c) => c.passed)).toEqual([false, false, false])
    expect(checks[0].reason).toBe('the lab did not come up: boom')
  })

  it('passes when every expectation holds', () => {
    expect(checkScenario(scenario, { hosts: { client: host() }, problems: [] }).every((c) => c.passed)).toBe(true)
  })
})

it('formats durations for people', () => {
  expect([formatMs(12.4), formatMs(999), formatMs(1500), formatMs(20_000)]).toEqual([
    '12 ms',
    '999 ms',
    '1.5 s',
    '20.0 s',
  ])
})

describe('errorLine', () => {
  const lines = (...texts: string[]) => ({ stderr: texts.map((text, atMs) => ({ atMs, text })) })

  it('finds the exception of a Python traceback', () => {
    expect(
      errorLine(
        lines(
          'Traceback (most recent call last):',
          '  File "/opt/lab/submission/c.py", line 4, in <module>',
          'ConnectionRefusedError: [Errno 111] Connection refused',
        ),
      ),
    ).toBe('ConnectionRefusedError: [Errno 111] Connection refused')
  })

  it('finds the error of a Node crash, not its stack or version line', () => {
    expect(
      errorLine(
        lines(
          'node:events:497',
          "      throw er; // Unhandled 'error' event",
          '      ^',
          '',
          'Error: connect ECONNREFUSED 172.18.0.2:12345',
          '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1637:16)',
          '{',
          '  errno: -111,',
          "  code: 'ECONNREFUSED',",
          '}',
          '',
          'Node.js v24.21.0',
        ),
      ),
    ).toBe('Error: connect ECONNREFUSED 172.18.0.2:12345')
  })
})
