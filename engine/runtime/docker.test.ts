import { expect, it } from 'vitest'
import { demuxLogs, failedBuildStep, timedLines } from './docker.ts'
import { logFrame as frame } from './fixtures/log-frames.ts'

it('splits the multiplexed log stream into stdout and stderr', () => {
  const buffer = Buffer.concat([frame(1, 'olá\n'), frame(2, 'erro\n'), frame(1, 'fim\n')])
  expect(demuxLogs(buffer)).toEqual({ stdout: 'olá\nfim\n', stderr: 'erro\n' })
})

it('reads the nanosecond timestamps Docker writes before each line', () => {
  const [line] = timedLines('2026-11-25T09:50:01.123456789Z Mensagem do servidor: Bem-vindo ao servidor!\n')
  expect(line.text).toBe('Mensagem do servidor: Bem-vindo ao servidor!')
  expect(line.at).toBeCloseTo(Date.UTC(2026, 10, 25, 9, 50, 1) + 123.456789, 3)
})

// What Docker 20.10's builder printed for a RUN step that failed (build -q prints the log on failure).
const FAILED_BUILD_LOG = [
  'Sending build context to Docker daemon  2.048kB',
  'Step 1/4 : FROM socket-lab-base:bookworm-node24.21.0',
  ' ---> 1f53bbee3020',
  'Step 2/4 : RUN echo hi',
  ' ---> Running in a651b4550a1a',
  'hi',
  'Removing intermediate container a651b4550a1a',
  ' ---> 3cfddad16eb2',
  'Step 3/4 : RUN apt-get install -y nope',
  ' ---> Running in 249bfeda1026',
  '\x1b[91mE: Unable to locate package nope',
  "\x1b[0mThe command '/bin/sh -c apt-get install -y nope' returned a non-zero code: 100",
].join('\n')

it('names the build step that failed and what it said last', () => {
  expect(failedBuildStep(FAILED_BUILD_LOG)).toEqual({
    step: 'Step 3/4 : RUN apt-get install -y nope',
    detail: 'E: Unable to locate package nope (exit code 100)',
  })
  expect(failedBuildStep('unable to prepare context: path "x" not found\n')).toEqual({
    step: 'docker build',
    detail: 'unable to prepare context: path "x" not found',
  })
})
