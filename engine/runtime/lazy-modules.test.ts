import { createRequire } from 'node:module'
import { expect, it } from 'vitest'
import { deferUnusedModules } from './lazy-modules.ts'

const requireHere = createRequire(import.meta.url)
const fromModem = createRequire(createRequire(requireHere.resolve('dockerode')).resolve('docker-modem'))

it('defers what dockerode requires and a run never uses, and loads it on first use', () => {
  deferUnusedModules()
  const ssh2File = fromModem.resolve('ssh2')
  const standIn = requireHere.cache[ssh2File]
  expect(standIn?.loaded).toBe(true)
  // dockerode (and docker-modem with it) loads without gRPC or ssh2
  requireHere('dockerode')
  expect(
    Object.keys(requireHere.cache).filter(
      (file) =>
        /\/node_modules\/(@grpc|ssh2)\//.test(file) &&
        requireHere.cache[file] !== standIn &&
        !file.endsWith('index.js'),
    ),
  ).toEqual([])
  // an ssh:// engine still gets a real ssh2 client: constructing it loads ssh2
  const { Client } = fromModem('ssh2') as { Client: new () => { connect: unknown; end: () => void } }
  const client = new Client()
  expect(typeof client.connect).toBe('function')
  expect(Object.keys(requireHere.cache).some((file) => file.includes('/node_modules/ssh2/lib/client.js'))).toBe(true)
})
