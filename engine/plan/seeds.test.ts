import { describe, expect, it } from 'vitest'
import { SEED_MAX, faultSeed, randomSeed } from './seeds.ts'

describe('seeds', () => {
  it("derives each impairment's seed from the run's and its names alone", () => {
    expect(faultSeed(1234, 'server', 'input', 0, 'loss')).toBe(faultSeed(1234, 'server', 'input', 0, 'loss'))
    const others = [
      faultSeed(1235, 'server', 'input', 0, 'loss'),
      faultSeed(1234, 'client', 'input', 0, 'loss'),
      faultSeed(1234, 'server', 'output', 0, 'loss'),
      faultSeed(1234, 'server', 'input', 1, 'loss'),
      faultSeed(1234, 'server', 'input', 0, 'duplicate'),
    ]
    expect(new Set([faultSeed(1234, 'server', 'input', 0, 'loss'), ...others]).size).toBe(6)
    for (const seed of others) expect(Number.isInteger(seed) && seed >= 0 && seed <= SEED_MAX).toBe(true)
  })

  it('keeps names apart: no two name lists hash as one', () => {
    expect(faultSeed(1, 'a', 'bc')).not.toBe(faultSeed(1, 'ab', 'c'))
    expect(faultSeed(12, 'a')).not.toBe(faultSeed(1, '2a'))
  })

  it('draws a random seed of 32 bits for a run given none', () => {
    const seeds = Array.from({ length: 50 }, randomSeed)
    for (const seed of seeds) expect(Number.isInteger(seed) && seed >= 0 && seed <= SEED_MAX).toBe(true)
    expect(new Set(seeds).size).toBeGreaterThan(45)
  })
})
