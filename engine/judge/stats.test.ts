import { expect, it } from 'vitest'
import { binomialTolerance, falseFailureOdds } from './stats.ts'

it('accepts 4.5 standard deviations around n·p and gives the exact chance of a false failure', () => {
  const band = binomialTolerance(1000, 0.3, 4.5)
  expect(band).toMatchObject({ expected: 300, low: 235, high: 365 })
  expect(band.halfWidth).toBeCloseTo(65.2, 1)
  expect(band.falseFailure).toBeGreaterThan(5e-6)
  expect(band.falseFailure).toBeLessThan(8e-6)
  expect(falseFailureOdds(band.falseFailure)).toBe('a correct lab fails about 1 run in 160 000')
})

it('allows no slack at all when the outcome is certain', () => {
  expect(binomialTolerance(1000, 0, 4.5)).toEqual({ expected: 0, low: 0, high: 0, halfWidth: 0, falseFailure: 0 })
  expect(binomialTolerance(1000, 1, 4.5)).toMatchObject({ low: 1000, high: 1000, falseFailure: 0 })
  expect(falseFailureOdds(0)).toBe('a correct lab never fails')
})
