// A run's random faults all draw from one seed (`--seed N`, or one chosen per run and reported), so that the same
// seed and the same packets give the same decisions: a class graded under identical losses, a student's run rerun
// exactly. Each impairment gets a seed of its own, derived from the run's and its place (host, direction or chain,
// the fault's index): its decisions then depend on the packets it sees alone, never on how another host's packets
// were timed against them.
import { createHash, randomInt } from 'node:crypto'

/** Seeds are whole numbers that fit 32 bits, as a person types them and every PRNG of the lab takes them. */
export const SEED_MAX = 2 ** 32 - 1

/** A seed for a run that was given none. */
export const randomSeed = (): number => randomInt(0, SEED_MAX + 1)

/** The seed of one impairment: the run's seed and the impairment's names, hashed (sha256's first 32 bits), so
 * that neighbouring run seeds or names give unrelated streams. */
export function faultSeed(runSeed: number, ...names: (string | number)[]): number {
  return createHash('sha256')
    .update([runSeed, ...names].join('/'))
    .digest()
    .readUInt32BE(0)
}
