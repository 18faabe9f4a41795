import { describe, expect, it } from 'vitest'
import { createKeyedRateLimiter, createTokenBucket } from './rate-limiter.ts'

describe('createTokenBucket', () => {
  it('starts full and admits up to the burst at once', () => {
    const bucket = createTokenBucket({ ratePerSecond: 10, burst: 5 })
    for (let i = 0; i < 5; i++) expect(bucket.take(1, 0)).toEqual({ ok: true })
    // empty: one token comes back every 100 ms
    expect(bucket.take(1, 0)).toEqual({ ok: false, retryAfterMs: 100 })
  })

  it('refills at the rate and never above the burst', () => {
    const bucket = createTokenBucket({ ratePerSecond: 1000, burst: 100 })
    expect(bucket.take(100, 0).ok).toBe(true)
    expect(bucket.level(50)).toBeCloseTo(50)
    expect(bucket.level(10_000)).toBe(100)
  })

  it('computes retry-after from the deficit', () => {
    const bucket = createTokenBucket({ ratePerSecond: 200, burst: 200 })
    expect(bucket.take(150, 0).ok).toBe(true)
    // 50 left, 120 wanted: 70 tokens at 0.2 per ms = 350 ms
    expect(bucket.take(120, 0)).toEqual({ ok: false, retryAfterMs: 350 })
    expect(bucket.take(120, 349).ok).toBe(false)
    expect(bucket.take(120, 350).ok).toBe(true)
  })

  it('admits an oversized take from a full bucket and holds the rate through the debt', () => {
    const bucket = createTokenBucket({ ratePerSecond: 100, burst: 100 })
    expect(bucket.take(300, 0).ok).toBe(true)
    expect(bucket.level(0)).toBe(-200)
    // needs to climb from -200 to the full 100 again before another oversized take: 3 s
    expect(bucket.take(300, 0)).toEqual({ ok: false, retryAfterMs: 3000 })
    expect(bucket.take(300, 3000).ok).toBe(true)
  })

  it('a refused take leaves the level unchanged', () => {
    const bucket = createTokenBucket({ ratePerSecond: 10, burst: 10 })
    expect(bucket.take(8, 0).ok).toBe(true)
    expect(bucket.take(5, 0).ok).toBe(false)
    expect(bucket.level(0)).toBe(2)
  })

  it('ignores a clock that steps backwards', () => {
    const bucket = createTokenBucket({ ratePerSecond: 10, burst: 10 })
    expect(bucket.take(10, 1000).ok).toBe(true)
    expect(bucket.level(500)).toBe(0)
    expect(bucket.level(600)).toBeCloseTo(1)
  })

  it('rejects nonsense options', () => {
    expect(() => createTokenBucket({ ratePerSecond: 0, burst: 1 })).toThrow(RangeError)
    expect(() => createTokenBucket({ ratePerSecond: 1, burst: Number.NaN })).toThrow(RangeError)
  })
})

describe('createKeyedRateLimiter', () => {
  const defaults = { bytesPerSecond: 1000, itemsPerSecond: 10, burstSeconds: 1 }

  it('charges both buckets and refuses when either is short, taking from neither', () => {
    let now = 0
    const limiter = createKeyedRateLimiter({ defaults, nowMs: () => now })
    expect(limiter.take('a', { bytes: 500, items: 9 }).ok).toBe(true)
    // items short (1 left, 2 wanted): 1 item at 0.01/ms = 100 ms
    expect(limiter.take('a', { bytes: 100, items: 2 })).toEqual({ ok: false, retryAfterMs: 100 })
    // bytes were not taken by the refused call: 500 remain
    expect(limiter.take('a', { bytes: 500, items: 1 }).ok).toBe(true)
    // now bytes are short by 100 (0 left) and items by 1: the longer wait wins
    expect(limiter.take('a', { bytes: 100, items: 1 })).toEqual({ ok: false, retryAfterMs: 100 })
    now = 100
    expect(limiter.take('a', { bytes: 100, items: 1 }).ok).toBe(true)
  })

  it('keeps keys independent: one key over its limit does not touch another', () => {
    const limiter = createKeyedRateLimiter({ defaults, nowMs: () => 0 })
    expect(limiter.take('noisy', { bytes: 1000, items: 10 }).ok).toBe(true)
    expect(limiter.take('noisy', { bytes: 1, items: 1 }).ok).toBe(false)
    expect(limiter.take('quiet', { bytes: 1000, items: 10 }).ok).toBe(true)
  })

  it('applies per-key overrides', () => {
    const limiter = createKeyedRateLimiter({
      defaults,
      overrides: { big: { bytesPerSecond: 1e6, itemsPerSecond: 1e4, burstSeconds: 2 } },
      nowMs: () => 0,
    })
    expect(limiter.take('big', { bytes: 2e6, items: 2e4 }).ok).toBe(true)
    expect(limiter.take('small', { bytes: 1001, items: 11 }).ok).toBe(true) // oversized from full
    expect(limiter.take('small', { bytes: 1, items: 1 }).ok).toBe(false)
  })

  it('precheck refuses only while a key is in debt', () => {
    let now = 0
    const limiter = createKeyedRateLimiter({ defaults, nowMs: () => now })
    expect(limiter.precheck('a').ok).toBe(true)
    expect(limiter.take('a', { bytes: 1500, items: 1 }).ok).toBe(true) // 500 bytes of debt
    expect(limiter.precheck('a')).toEqual({ ok: false, retryAfterMs: 500 })
    now = 501
    expect(limiter.precheck('a').ok).toBe(true)
  })

  it('bounds the keys it tracks, forgetting the least recently used', () => {
    const limiter = createKeyedRateLimiter({ defaults, maxKeys: 2, nowMs: () => 0 })
    limiter.take('a', { bytes: 1000, items: 10 })
    limiter.take('b', { bytes: 1000, items: 10 })
    limiter.take('a', { bytes: 0, items: 0 }) // a is now the most recent
    limiter.take('c', { bytes: 1000, items: 10 }) // evicts b
    expect(limiter.size()).toBe(2)
    expect(limiter.take('a', { bytes: 1, items: 1 }).ok).toBe(false)
    expect(limiter.take('b', { bytes: 1000, items: 10 }).ok).toBe(true) // fresh, full bucket
  })
})
