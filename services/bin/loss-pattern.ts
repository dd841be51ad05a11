// A random loss that nftables applies, from a seed. nftables' own `numgen random` draws from the kernel and cannot
// be seeded; `numgen inc` counts the packets its rule sees. A loss of N % is then the set of those packet numbers
// that are lost, each drawn with probability N % from the fault's seed (engine/plan/seeds.ts): the same seed and
// the same packets lose the same ones, and each packet is lost independently, as the binomial checks assume. The
// engine writes a placeholder (protocol.ts lossPlaceholder); the sidecar draws the set when it applies the plan, so
// a plan (an environment variable, a control command's argument) stays small.
import { LOSS_PLACEHOLDER } from './protocol.ts'

/** The pattern repeats after this many packets of one rule: a few times more than a lab's run sends through one
 * (udp-loss: 1000). A set of 2^14 numbers loads in tens of ms; 2^16, about half a second on two busy cores. */
export const LOSS_PERIOD = 16_384

/** mulberry32: a small, fast, well-mixed 32-bit PRNG (uniform in [0, 1)); its seed is the fault's. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/** Which of the first LOSS_PERIOD packets a rule sees are lost. */
export function lostPackets(seed: number, percent: number, period = LOSS_PERIOD): boolean[] {
  const draw = mulberry32(seed)
  return Array.from({ length: period }, () => draw() * 100 < percent)
}

/** The nftables expression that matches the lost packets: `numgen inc mod 16384 { 3, 7-9, … }`. */
export function lossExpression(seed: number, percent: number, period = LOSS_PERIOD): string {
  const lost = lostPackets(seed, percent, period)
  const ranges: string[] = []
  for (let at = 0; at < period; at++) {
    if (!lost[at]) continue
    const from = at
    while (at + 1 < period && lost[at + 1]) at++
    ranges.push(from === at ? String(from) : `${from}-${at}`)
  }
  // An empty set is not nftables: no packet number is above the last, so nothing is lost (a loss of 1 % or more
  // over 2^14 packets is never empty, 0.99^16384, but a plan may say less).
  return ranges.length
    ? `numgen inc mod ${period} { ${ranges.join(', ')} }`
    : `numgen inc mod ${period} > ${period - 1}`
}

/** The text with each loss placeholder drawn. */
export const withLossPatterns = (text: string): string =>
  text.replace(LOSS_PLACEHOLDER, (_placeholder, seed: string, percent: string) =>
    lossExpression(Number(seed), Number(percent)),
  )
