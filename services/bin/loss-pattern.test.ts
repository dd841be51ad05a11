import { describe, expect, it } from 'vitest'
import { LOSS_PERIOD, lossExpression, lostPackets, withLossPatterns } from './loss-pattern.ts'
import { lossPlaceholder } from './protocol.ts'

describe('a seeded loss pattern', () => {
  it('loses the same packets for the same seed, others for another', () => {
    expect(lostPackets(42, 30)).toEqual(lostPackets(42, 30))
    const a = lostPackets(42, 30)
    const b = lostPackets(43, 30)
    expect(a.filter((lost, i) => lost !== b[i]).length).toBeGreaterThan(LOSS_PERIOD * 0.3)
  })

  it('loses each packet with the configured probability (binomial, 5 σ)', () => {
    for (const percent of [1, 30, 99]) {
      const lost = lostPackets(7, percent).filter(Boolean).length
      const p = percent / 100
      const sigma = Math.sqrt(LOSS_PERIOD * p * (1 - p))
      expect(Math.abs(lost - LOSS_PERIOD * p), `${percent} %`).toBeLessThan(5 * sigma)
    }
    // and no run of its draws hangs together: a lost packet says nothing of the next one
    const draws = lostPackets(7, 50)
    const bothLost = draws.filter((lost, i) => lost && draws[i + 1]).length
    expect(Math.abs(bothLost - LOSS_PERIOD / 4)).toBeLessThan(5 * Math.sqrt((LOSS_PERIOD * 3) / 16))
  })

  it('says the lost packet numbers as an nftables set of numbers and ranges', () => {
    const expression = lossExpression(42, 30, 16)
    const lost = lostPackets(42, 30, 16)
    expect(expression).toMatch(/^numgen inc mod 16 \{ [\d, -]+ \}$/)
    const named = expression
      .replace(/^numgen inc mod 16 \{ | \}$/g, '')
      .split(', ')
      .flatMap((part) => {
        const [from, to = from] = part.split('-').map(Number)
        return Array.from({ length: to - from + 1 }, (_, i) => from + i)
      })
    expect(named).toEqual(lost.flatMap((isLost, i) => (isLost ? [i] : [])))
    expect(lossExpression(42, 0, 16)).toBe('numgen inc mod 16 > 15')
  })

  it("fills in a plan's placeholders, and leaves the rest of the ruleset as it was", () => {
    const rule = `meta l4proto udp ${lossPlaceholder(42, 30)} counter drop comment "loss"`
    expect(withLossPatterns(rule)).toBe(`meta l4proto udp ${lossExpression(42, 30)} counter drop comment "loss"`)
    expect(withLossPatterns('ip saddr {{address:server}} drop')).toBe('ip saddr {{address:server}} drop')
  })
})
