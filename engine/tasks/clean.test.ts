import { expect, it } from 'vitest'
import { describeClean, staleLabImages } from './clean.ts'

it('calls lab images of other digests stale, never latest, the current digest or a base image', () => {
  const tags = [
    'socket-lab-host:latest',
    'socket-lab-host:aaaa',
    'socket-lab-host:bbbb',
    'socket-lab-base:bookworm-node24.21.0',
    'node:24-bookworm-slim',
  ]
  expect(staleLabImages(tags, 'bbbb')).toEqual(['socket-lab-host:aaaa'])
})

it('says what it removed and what it left alone', () => {
  const lines = describeClean({
    removed: [
      { kind: 'container', name: 'socketlab-x-1-client-1', runId: '1' },
      { kind: 'network', name: 'socketlab-x-1_lab', runId: '1' },
    ],
    inUse: [{ kind: 'container', name: 'socketlab-x-2-client-1', runId: '2' }],
    failed: [],
    removedImages: [],
    keptImages: [],
  })
  expect(lines).toEqual([
    'removed container socketlab-x-1-client-1, network socketlab-x-1_lab',
    'left 1 resources of 1 run(s) still in progress (run ids 2)',
  ])
})

it('says what Docker refused to remove, instead of "nothing to clean"', () => {
  const lines = describeClean({
    removed: [],
    inUse: [],
    failed: [{ kind: 'network', name: 'socketlab-x-3_lab', runId: '3' }],
    removedImages: [],
    keptImages: [],
  })
  expect(lines[0]).toBe('removed nothing')
  expect(lines[1]).toMatch(/^could not remove network socketlab-x-3_lab: Docker refused /)
})
