// Wait.forAll and Wait.forFirst over waits that say when they are ready or why not: how they combine outcomes,
// deadlines and descriptions, and that the waits left over are ended.
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import type { LabHost } from './lab.ts'
import { Wait, type WaitOutcome, type WaitStrategy } from './waits.ts'

const host = { name: 'server' } as LabHost
const ended: string[] = []

/** Ready (or failed) after `ms`; ended early, and said so, when the combined wait aborts it. */
function after(name: string, ms: number, outcome_: WaitOutcome): WaitStrategy & { deadline?: number } {
  return {
    description: name,
    deadline: undefined as number | undefined,
    withDeadline(deadline: number) {
      this.deadline = deadline
      return this
    },
    async waitUntilReady(_host, signal) {
      let settled = false
      const aborted = new Promise<WaitOutcome>((resolve) => {
        const abort = () => {
          if (settled) return // a wait that is over ends nothing
          ended.push(name)
          resolve({ ok: false, reason: 'aborted', message: `${name} aborted` })
        }
        signal?.addEventListener('abort', abort, { once: true })
      })
      const outcome = await Promise.race([sleep(ms).then(() => outcome_), aborted])
      settled = true
      return outcome
    },
  }
}
const ok = (at: number): WaitOutcome => ({ ok: true, at })
const late = (message: string): WaitOutcome => ({ ok: false, reason: 'deadline', message })

describe('Wait.forAll', () => {
  it("is ready at the last one's time once every wait is, and names them all", async () => {
    const wait = Wait.forAll(after('a', 5, ok(1)), after('b', 15, ok(2)))
    expect(wait.description).toBe('a and b')
    expect(await wait.waitUntilReady(host)).toEqual({ ok: true, at: 2 })
  })

  it('fails with the first failure, not the aborts it caused, and ends the others', async () => {
    ended.length = 0
    const outcome = await Wait.forAll(after('a', 5, late('a was late')), after('b', 200, ok(2))).waitUntilReady(host)
    expect(outcome).toEqual({ ok: false, reason: 'deadline', message: 'a was late' })
    expect(ended).toEqual(['b'])
  })

  it('gives each wait the deadline', () => {
    const [a, b] = [after('a', 1, ok(1)), after('b', 1, ok(1))]
    Wait.forAll(a, b).withDeadline(1234)
    expect([a.deadline, b.deadline]).toEqual([1234, 1234])
  })
})

describe('Wait.forFirst', () => {
  it('is the first ready one, and ends the others', async () => {
    ended.length = 0
    const wait = Wait.forFirst(after('slow', 200, ok(2)), after('fast', 5, ok(1)))
    expect(wait.description).toBe('slow or fast')
    expect(await wait.waitUntilReady(host)).toEqual({ ok: true, at: 1 })
    await sleep(1)
    expect(ended).toEqual(['slow'])
  })

  it('fails only once every wait failed, with the first failure', async () => {
    const outcome = await Wait.forFirst(
      after('a', 15, late('a was late')),
      after('b', 5, late('b was late')),
    ).waitUntilReady(host)
    expect(outcome).toEqual({ ok: false, reason: 'deadline', message: 'b was late' })
  })
})
