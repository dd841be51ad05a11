// `--shard i/n`, as vitest and Playwright spell it: CI machines of a matrix each run one part of the catalog.
// Stable by construction: scenarios are dealt round-robin by their sorted ids, never by timings, so every machine
// of the matrix computes the same partition and each scenario runs exactly once.
import { errors } from '../model/errors.ts'

export interface Shard {
  index: number
  count: number
}

export function parseShard(option: string): Shard {
  const match = option.match(/^(\d+)\/(\d+)$/)
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [0, 0]
  if (!match || count < 1 || index < 1 || index > count)
    throw errors.usage(`--shard takes i/n with 1 <= i <= n (e.g. 2/4), not "${option}"`)
  return { index, count }
}

/** The items of shard `index` of `count`: every count-th by sorted id, starting at the index-th. */
export function inShard<T extends { id: string }>(items: T[], { index, count }: Shard): T[] {
  const sorted = items.map((item) => item.id).sort()
  const mine = new Set(sorted.filter((_, position) => position % count === index - 1))
  return items.filter((item) => mine.has(item.id))
}
