import { expect, it } from 'vitest'
import { childFailure, rowLine } from './engines.ts'

it('counts a child killed by a signal, or one that left students without a row, as a failure, never a verdict', () => {
  expect(childFailure({ code: null, signal: 'SIGKILL', missing: 0, lastLine: '' })).toBe('its lab was killed by SIGKILL')
  expect(childFailure({ code: 1, signal: null, missing: 2, lastLine: '' })).toBe('its lab ended without a row for 2 students')
  expect(childFailure({ code: 2, signal: null, missing: 3, lastLine: 'socket-lab: the Docker daemon is not running' })).toBe('the Docker daemon is not running')
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
