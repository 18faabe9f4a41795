import { describe, expect, it } from 'vitest'
import { createCachedLookup } from './cached-lookup.ts'

function setup(negativeTtlMs = 5_000) {
  let nowMs = 0
  const calls: string[] = []
  const table = new Map<string, string>([['a', 'A']])
  let fail = false
  const lookup = createCachedLookup<string>({
    find: async (key) => {
      calls.push(key)
      if (fail) throw new Error('store down')
      return table.get(key) ?? null
    },
    nowMs: () => nowMs,
    ttlMs: 30_000,
    negativeTtlMs,
    maxEntries: 2,
  })
  return { lookup, calls, table, advance: (ms: number) => (nowMs += ms), setFail: (f: boolean) => (fail = f) }
}

describe('createCachedLookup', () => {
  it('coalesces concurrent misses and serves hits until the TTL ends', async () => {
    const t = setup()
    expect(await Promise.all([t.lookup.get('a'), t.lookup.get('a')])).toEqual(['A', 'A'])
    expect(t.calls).toEqual(['a'])
    t.table.set('a', 'A2')
    t.advance(29_999)
    expect(await t.lookup.get('a')).toBe('A')
    t.advance(1)
    expect(await t.lookup.get('a')).toBe('A2')
    expect(t.calls).toEqual(['a', 'a'])
  })

  it('remembers an absent key for the negative TTL only, and not at all when it is 0', async () => {
    const t = setup()
    expect(await t.lookup.get('x')).toBeNull()
    expect(await t.lookup.get('x')).toBeNull()
    expect(t.calls).toEqual(['x'])
    t.advance(5_000)
    await t.lookup.get('x')
    expect(t.calls).toEqual(['x', 'x'])
    const u = setup(0)
    await u.lookup.get('x')
    await u.lookup.get('x')
    expect(u.calls).toEqual(['x', 'x'])
  })

  it('does not cache a failed lookup and holds at most maxEntries keys', async () => {
    const t = setup()
    t.setFail(true)
    await expect(t.lookup.get('a')).rejects.toThrow('store down')
    t.setFail(false)
    expect(await t.lookup.get('a')).toBe('A')
    t.table.set('b', 'B').set('c', 'C')
    await t.lookup.get('b')
    await t.lookup.get('c')
    expect(t.lookup.size().positive).toBe(2)
  })
})
