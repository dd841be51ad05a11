import { expect, it } from 'vitest'
import { withDeadline } from './deadline.ts'

it('passes a phase that finishes in time through', async () => {
  await expect(withDeadline(Promise.resolve(42), 1000, 'collect')).resolves.toBe(42)
})

it('fails a phase that hangs, naming the phase', async () => {
  await expect(withDeadline(new Promise(() => {}), 20, 'collect')).rejects.toThrow(
    'the "collect" phase did not finish within 20 ms',
  )
})
