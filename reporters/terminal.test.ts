import { PassThrough } from 'node:stream'
import { stripVTControlCharacters } from 'node:util'
import { describe, expect, it } from 'vitest'
import { failed, passed, skipped, tcpBasic } from './fixtures/results.ts'
import { TerminalReporter, isLive, liveLine, progressLine, summaryTable } from './terminal.ts'

const plain = (text: string) => stripVTControlCharacters(text)

function collect() {
  const stream = new PassThrough()
  const chunks: string[] = []
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()))
  return { stream, text: () => plain(chunks.join('')) }
}

describe('isLive', () => {
  it('redraws a live line only on a TTY outside CI', () => {
    expect(isLive({ isTTY: true }, {})).toBe(true)
    expect(isLive({ isTTY: true }, { CI: 'true' })).toBe(false)
    expect(isLive({ isTTY: true }, { TERM: 'dumb' })).toBe(false)
    expect(isLive({ isTTY: false }, {})).toBe(false)
    expect(isLive({}, {})).toBe(false)
  })
})

describe('liveLine', () => {
  it('names every running scenario with its elapsed time', () => {
    const other = { ...tcpBasic, id: 'udp-loss' }
    expect(
      plain(
        liveLine(
          new Map([
            [tcpBasic, 1000],
            [other, 2500],
          ]),
          3400,
        ),
      ),
    ).toBe('running tcp-basic 2.4 s, udp-loss 900 ms')
  })
})

describe('TerminalReporter, plain lines', () => {
  it('prints a start line, every check, the verdict and a summary table', async () => {
    const out = collect()
    const reporter = new TerminalReporter(out.stream, false)
    reporter.onNote('building the lab image')
    reporter.onScenarioStart(passed.scenario)
    reporter.onScenarioEnd(passed)
    await reporter.onRunEnd([passed])
    const lines = out.text().split('\n')
    expect(lines.slice(0, 6)).toEqual([
      '» building the lab image',
      '» running tcp-basic',
      'tcp-basic: TCP server and client exchange a greeting (seed: Cliente e Servidor com Sockets)',
      '  ✔ client printed "Mensagem do servidor: Bem-vindo ao servidor!" — printed after 111 ms',
      '  ✔ client exited with code 0 — exited with code 0 after 120 ms',
      '✔ tcp-basic passed: 2/2 checks in 3.1 s (project socketlab-tcp-basic-abc123, random seed 1234)',
    ])
    expect(lines.at(-2)).toBe('random seed 1234 — rerun with --seed 1234')
    expect(out.text()).not.toMatch(/\r|⠋/)
  })

  it('marks failed checks with what was observed', () => {
    const out = collect()
    new TerminalReporter(out.stream, false).onScenarioEnd(failed)
    expect(out.text()).toContain(
      '  ✘ client printed "Mensagem do servidor: Bem-vindo ao servidor!" — client never printed it; it printed nothing\n',
    )
    expect(out.text()).toContain('✘ tcp-silent FAILED: 1/3 checks in 5.4 s')
  })
})

describe('TerminalReporter, a skipped scenario', () => {
  it('says why it was skipped instead of listing checks', () => {
    const out = collect()
    new TerminalReporter(out.stream, false).onScenarioEnd(skipped)
    expect(out.text()).toContain(
      '⊘ udp-loss skipped: this kernel has no netem (project socketlab-udp-loss-0a1b2c, random seed 1234)',
    )
  })
})

describe('summaryTable', () => {
  it('has a row per scenario: checks passed, time, verdict; then the count', async () => {
    const rows = plain(await summaryTable([passed, failed, skipped])).split('\n')
    const cells = (row: string) =>
      row
        .split('│')
        .map((cell) => cell.trim())
        .filter(Boolean)
    expect(cells(rows[1])).toEqual(['scenario', 'checks', 'time', 'verdict'])
    expect(
      rows
        .filter((row) => row.startsWith('│'))
        .map(cells)
        .slice(1),
    ).toEqual([
      ['tcp-basic', '2/2', '3.1 s', 'passed'],
      ['tcp-silent', '1/3', '5.4 s', 'FAILED'],
      ['udp-loss', '0/0', '800 ms', 'skipped'],
    ])
    expect(rows.at(-1)).toBe('1/3 scenarios passed, 1 skipped; failed: tcp-silent')
  })
})

describe('TerminalReporter, hostile output', () => {
  it('writes out control characters of programs and file names: no forged line, no escape sequence', () => {
    const out = collect()
    const client = { ...failed.run.hosts.client, stderr: [{ atMs: 1, text: 'oops\n✔ tcp-silent passed\u001b[2J' }] }
    const hostile = {
      ...failed,
      submissions: { client: 'entregas/eve\n✔ all passed/cliente.py' },
      run: { ...failed.run, hosts: { ...failed.run.hosts, client } },
      checks: [{ description: 'client printed "x"', passed: false, reason: 'it printed "ação\u009b31m"\r✔' }],
    }
    const chunks: string[] = []
    out.stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()))
    new TerminalReporter(out.stream, false).onScenarioEnd(hostile)
    const raw = chunks.join('')
    expect(raw).not.toMatch(/[\u001b\u009b\r]/)
    expect(raw.split('\n').filter((line) => line.includes('passed'))).toEqual([
      '  client ran entregas/eve\\n✔ all passed/cliente.py: still running after 4.0 s',
      '    stderr: oops\\n✔ tcp-silent passed\\x1b[2J',
    ])
    expect(raw).toContain('it printed "ação\\x9b31m"\\r✔')
  })
})

describe('grade progress', () => {
  it('draws a bar with done/total and the time left', () => {
    expect(progressLine({ done: 3, total: 12, etaMs: 27_000 }, 8)).toBe('grading [██░░░░░░] 3/12, about 27.0 s left')
    expect(progressLine({ done: 0, total: 5 }, 4)).toBe('grading [░░░░] 0/5')
  })

  it('prints a plain line at each tenth of the class in CI, and nothing at the end', () => {
    const lines: string[] = []
    const reporter = new TerminalReporter(
      { write: (text: string) => lines.push(text) } as unknown as NodeJS.WritableStream,
      false,
    )
    for (let done = 1; done <= 20; done++) reporter.onProgress({ done, total: 20, etaMs: (20 - done) * 1000 })
    expect(lines).toHaveLength(9)
    expect(lines[0]).toBe('» grading [██░░░░░░░░░░░░░░░░░░] 2/20, about 18.0 s left\n')
  })
})
