import { expect, it } from 'vitest'
import { containersOn, type Leftover } from './leftovers.ts'

const container = (name: string, networks: string[] | undefined, joins?: string): Leftover => ({
  kind: 'container',
  name,
  runId: 'r',
  id: `id-${name}`,
  ...(networks ? { networks } : {}),
  ...(joins ? { joins } : {}),
})

it('waits, before removing a network, for the containers on it and the sidecars in their namespaces only', () => {
  const lab = [
    container('client', ['lab_near']),
    container('client-net', [], 'id-client'),
    container('r1', ['lab_near', 'lab_far']),
    container('r1-net', [], 'id-r1'),
    container('server', ['lab_far']),
    container('server-net', [], 'id-server'),
  ]
  expect(containersOn('lab_near', lab).map((c) => c.name)).toEqual(['client', 'r1', 'client-net', 'r1-net'])
  expect(containersOn('lab_far', lab).map((c) => c.name)).toEqual(['r1', 'server', 'r1-net', 'server-net'])
  expect(containersOn('lab_other', lab)).toEqual([])
})

it('waits for every container when one of them does not say its networks', () => {
  const lab = [container('client', ['lab_near']), container('stray', undefined)]
  expect(containersOn('lab_near', lab)).toEqual(lab)
})
