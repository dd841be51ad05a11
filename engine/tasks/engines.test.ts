import { expect, it } from 'vitest'
import { childFailure, parseEngines, rowLine, shareOut } from './engines.ts'

it('shares students by work per lab slot', () => {
  expect(shareOut(5, [{ parallel: 2 }, { parallel: 1 }])).toEqual([
    [0, 2, 3],
    [1, 4],
  ])
  expect(shareOut(3, [{ parallel: 1 }, { parallel: 1 }, { parallel: 1 }, { parallel: 1 }])).toEqual([[0], [1], [2], []])
})

it('reads DOCKER_HOST URLs with their own parallelism, and refuses what is neither URL nor context name', async () => {
  await expect(
    parseEngines(
      'unix:///var/run/docker.sock=3,tcp://10.0.0.2:2376,lab1',
      2,
      async (context) => `ssh://aluno@${context}`,
    ),
  ).resolves.toEqual([
    { label: 'unix:///var/run/docker.sock', dockerHost: 'unix:///var/run/docker.sock', parallel: 3 },
    { label: 'tcp://10.0.0.2:2376', dockerHost: 'tcp://10.0.0.2:2376', parallel: 2 },
    { label: 'lab1', dockerHost: 'ssh://aluno@lab1', parallel: 2 },
  ])
  await expect(parseEngines('lab 1', 2, async () => '')).rejects.toThrow(
    '--engines: "lab 1" is neither a docker context name nor a DOCKER_HOST URL (unix://, tcp://, ssh://)',
  )
  await expect(parseEngines('unix:///a.sock=0', 2, async () => '')).rejects.toThrow(
    '--engines … =N takes a whole number from 1, not "0"',
  )
  await expect(parseEngines(',', 2, async () => '')).rejects.toThrow('--engines takes a list')
})

it('counts a child killed by a signal, or one that left students without a row, as a failure, never a verdict', () => {
  expect(childFailure({ code: null, signal: 'SIGKILL', missing: 0, lastLine: '' })).toBe(
    'its lab was killed by SIGKILL',
  )
  expect(childFailure({ code: 1, signal: null, missing: 2, lastLine: '' })).toBe(
    'its lab ended without a row for 2 students',
  )
  expect(
    childFailure({ code: 2, signal: null, missing: 3, lastLine: 'socket-lab: the Docker daemon is not running' }),
  ).toBe('the Docker daemon is not running')
  expect(childFailure({ code: 70, signal: null, missing: 3, lastLine: '' })).toBe('its lab exited with 70')
  expect(childFailure({ code: 1, signal: null, missing: 0, lastLine: '' })).toBeUndefined()
  expect(childFailure({ code: 0, signal: null, missing: 0, lastLine: '' })).toBeUndefined()
})

it('takes only row lines for the students the child was given', () => {
  const row = { student: 'ana', verdict: 'passed' }
  expect(rowLine(JSON.stringify({ index: 3, row }), new Set([3]))).toEqual({ index: 3, row })
  expect(rowLine(JSON.stringify({ index: 4, row }), new Set([3]))).toBeUndefined()
  expect(rowLine('✔ ana 5/5', new Set([3]))).toBeUndefined()
  expect(rowLine(JSON.stringify({ index: 3, row: { student: 1 } }), new Set([3]))).toBeUndefined()
})
