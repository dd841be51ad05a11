import { expect, it } from 'vitest'
import { inOrder, runPool } from './pool.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

it("runs at most N jobs at once and keeps the results in the items' order", async () => {
  let running = 0
  let most = 0
  const results = await runPool([30, 10, 20, 5, 15], 2, async (ms) => {
    most = Math.max(most, ++running)
    await sleep(ms)
    running--
    return ms * 2
  })
  expect(results).toEqual([60, 20, 40, 10, 30])
  expect(most).toBe(2)
})

it('starts no new job after a failure, lets running ones finish, then throws the first error', async () => {
  const started: number[] = []
  const finished: number[] = []
  const pool = runPool([0, 1, 2, 3], 2, async (item) => {
    started.push(item)
    if (item === 0) throw new Error('boom')
    await sleep(20)
    finished.push(item)
  })
  await expect(pool).rejects.toThrow('boom')
  expect(started).toEqual([0, 1])
  expect(finished).toEqual([1])
})

it('emits results in order, each as soon as every earlier one is done', () => {
  const emitted: string[] = []
  const emit = inOrder<string>((result) => emitted.push(result))
  emit('c', 2)
  expect(emitted).toEqual([])
  emit('a', 0)
  expect(emitted).toEqual(['a'])
  emit('b', 1)
  expect(emitted).toEqual(['a', 'b', 'c'])
})

it("starts jobs in the given order and still returns results in the items' order", async () => {
  const started: string[] = []
  const results = await runPool(
    ['a', 'b', 'c', 'd'],
    1,
    async (item, index) => {
      started.push(item)
      return `${item}${index}`
    },
    [2, 0, 3, 1],
  )
  expect(started).toEqual(['c', 'a', 'd', 'b'])
  expect(results).toEqual(['a0', 'b1', 'c2', 'd3'])
})
