import { describe, expect, it } from 'vitest'
import { loadCatalog } from './catalog.ts'
import { inShard, parseShard } from './shard.ts'

describe('--shard i/n', () => {
  it('partitions the catalog exactly: shards are disjoint and their union is the catalog', async () => {
    const catalog = await loadCatalog()
    for (const count of [1, 2, 3, 4, 7, catalog.length + 2]) {
      const shards = Array.from({ length: count }, (_, i) => inShard(catalog, { index: i + 1, count }).map((s) => s.id))
      const all = shards.flat()
      expect(new Set(all).size).toBe(all.length)
      expect(all.sort()).toEqual(catalog.map((s) => s.id).sort())
      // balanced: no shard has more than one scenario more than another
      const sizes = shards.map((shard) => shard.length)
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
    }
  })

  it('does not depend on the order the scenarios come in', () => {
    const ids = ['d', 'a', 'c', 'b', 'e'].map((id) => ({ id }))
    const reversed = [...ids].reverse()
    expect(
      inShard(ids, { index: 2, count: 2 })
        .map((s) => s.id)
        .sort(),
    ).toEqual(['b', 'd'])
    expect(
      inShard(reversed, { index: 2, count: 2 })
        .map((s) => s.id)
        .sort(),
    ).toEqual(['b', 'd'])
  })

  it('refuses what is not i/n', () => {
    for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '1/4/2']) {
      expect(() => parseShard(bad)).toThrow(`--shard takes i/n with 1 <= i <= n (e.g. 2/4), not "${bad}"`)
    }
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 })
  })
})
