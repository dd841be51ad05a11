// How far a random count may stray from its expectation before a check calls it wrong. Used where a fault is
// random (nftables drops each packet with probability p), so a correct lab sees a binomial count, not p·n.

export interface BinomialTolerance {
  /** The expected count, n·p. */
  expected: number
  /** The accepted counts, inclusive. */
  low: number
  high: number
  /** The tolerance, as a count either side of the expectation. */
  halfWidth: number
  /** The chance that a correct lab's count falls outside [low, high]: its false-failure probability. */
  falseFailure: number
}

/** Counts within `sigmas` standard deviations of n·p, and the exact binomial chance of landing outside them. */
export function binomialTolerance(trials: number, probability: number, sigmas: number): BinomialTolerance {
  const expected = trials * probability
  const halfWidth = sigmas * Math.sqrt(trials * probability * (1 - probability))
  const low = Math.max(0, Math.ceil(expected - halfWidth))
  const high = Math.min(trials, Math.floor(expected + halfWidth))
  const pmf = binomialPmf(trials, probability)
  // Summing the tails rather than 1 − the middle keeps a tiny probability exact.
  const falseFailure = pmf.reduce((sum, chance, k) => (k < low || k > high ? sum + chance : sum), 0)
  return { expected, low, high, halfWidth, falseFailure }
}

/** P(X = k) for k = 0…n, X ~ Binomial(n, p), through logarithms so that n in the thousands does not overflow. */
function binomialPmf(n: number, p: number): number[] {
  const logFactorial = [0]
  for (let i = 1; i <= n; i++) logFactorial.push(logFactorial[i - 1] + Math.log(i))
  return Array.from({ length: n + 1 }, (_, k) => {
    if (p === 0 || p === 1) return k === (p === 0 ? 0 : n) ? 1 : 0
    return Math.exp(
      logFactorial[n] - logFactorial[k] - logFactorial[n - k] + k * Math.log(p) + (n - k) * Math.log(1 - p),
    )
  })
}

/** "a correct lab fails about 1 run in 160 000" (two significant digits), or "a correct lab never fails". */
export function falseFailureOdds(probability: number): string {
  if (probability <= 0) return 'a correct lab never fails'
  const runs = Number((1 / probability).toPrecision(2))
  return `a correct lab fails about 1 run in ${runs.toLocaleString('en').replaceAll(',', ' ')}`
}
