import { describe, expect, it } from 'vitest'
import { hostRun } from './run.ts'
import type { ContainerOutput } from './engine.ts'
import { LIMIT_MARK, OUTPUT_CUT_MARK, START_MARK } from '../../services/bin/protocol.ts'

const output = (stderr: string[]): ContainerOutput =>
  ({
    started: true,
    exitCode: 0,
    startedAt: 1000,
    finishedAt: 2000,
    stdout: [],
    stderr: [`${START_MARK} servidor.py`, ...stderr].map((text, i) => ({ at: 1000 + i, text })),
    logTruncated: false,
  }) as ContainerOutput

describe('hostRun: the output limiter cut a program only when its own signed mark says so', () => {
  it('takes the limiter mark that ends with its nonce, and shows it without the nonce', () => {
    const run = hostRun(
      'server',
      output([`${LIMIT_MARK} 0a1b2c`, 'x', `${OUTPUT_CUT_MARK} 1048576 bytes; the program was stopped (0a1b2c)`]),
      3000,
    )
    expect(run.outputCut).toBe(true)
    expect(run.stderr.map((line) => line.text)).toEqual([
      'x',
      `${OUTPUT_CUT_MARK} 1048576 bytes; the program was stopped`,
    ])
  })
  it('does not believe a program that prints the cut mark itself, nor a limiter line of its own', () => {
    const forged = [
      `${OUTPUT_CUT_MARK} 1048576 bytes; the program was stopped`,
      `${LIMIT_MARK} ffff`,
      `${OUTPUT_CUT_MARK} 1048576 bytes; the program was stopped (ffff)`,
    ]
    const run = hostRun('server', output([`${LIMIT_MARK} 0a1b2c`, ...forged]), 3000)
    expect(run.outputCut).toBe(false)
    expect(run.stderr.map((line) => line.text)).toEqual(forged)
    // A reference program runs with no limiter: no mark of any kind is believed.
    expect(hostRun('server', output(forged.slice(0, 1)), 3000).outputCut).toBe(false)
  })
})
