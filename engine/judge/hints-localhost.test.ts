// The localhost hint names a server that listens on 127.0.0.1 only: one also listening on another address is
// reachable from other hosts, and another mistake explains its failure.
import { expect, it } from 'vitest'
import { hintsFor } from './hints.ts'
import type { HostRun } from '../model/scenario.ts'

const hintOf = (listening: string[]) => {
  const server: HostRun = {
    host: 'server',
    started: true,
    exitCode: null,
    startedAt: 0,
    elapsedMs: 1000,
    stdout: [],
    stderr: [],
    listening,
  }
  return hintsFor(
    {},
    {
      run: { hosts: { server }, problems: [] },
      checks: [{ description: 'x', passed: false, reason: 'x' }],
      submitted: ['server'],
    },
  ).map((h) => h.id)
}

it('names localhost only when every socket on the port is bound to a loopback address', () => {
  expect(hintOf(['127.0.0.1:12345/tcp'])).toEqual(['bound-to-localhost'])
  expect(hintOf(['127.0.0.1:12345/tcp', '172.18.0.2:12345/tcp'])).toEqual([])
  expect(hintOf(['172.18.0.2:12345/tcp', '127.0.0.1:12345/tcp'])).toEqual([])
})
