import { describe, expect, it } from 'vitest'
import { createBackoff, fullJitterDelayMs, isRetryableStatus, outcomeForHttpStatus, parseRetryAfterMs } from './backoff.ts'

describe('retryability', () => {
  it('retries exactly 429, 502, 503 and 504', () => {
    const retryable = [...Array(600).keys()].filter((s) => isRetryableStatus(s))
    expect(retryable).toEqual([429, 502, 503, 504])
  })

  it('maps statuses to outcomes', () => {
    expect(outcomeForHttpStatus(200, null, 0)).toEqual({ status: 'success' })
    expect(outcomeForHttpStatus(400, '5', 0)).toEqual({ status: 'failure', reason: 'http 400', httpStatus: 400 })
    expect(outcomeForHttpStatus(503, '2', 0)).toEqual({ status: 'retryable', reason: 'http 503', retryAfterMs: 2000 })
    expect(outcomeForHttpStatus(429, null, 0)).toEqual({ status: 'retryable', reason: 'http 429' })
    expect(outcomeForHttpStatus(500, null, 0).status).toBe('failure')
  })
})

describe('parseRetryAfterMs', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('3', 0)).toBe(3000)
    expect(parseRetryAfterMs(' 0 ', 0)).toBe(0)
    const now = Date.parse('2024-01-01T00:00:00Z')
    expect(parseRetryAfterMs('Mon, 01 Jan 2024 00:00:10 GMT', now)).toBe(10_000)
    expect(parseRetryAfterMs('Mon, 01 Jan 2023 00:00:10 GMT', now)).toBe(0)
  })
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfterMs(undefined, 0)).toBeUndefined()
    expect(parseRetryAfterMs('', 0)).toBeUndefined()
    expect(parseRetryAfterMs('soon', 0)).toBeUndefined()
    expect(parseRetryAfterMs('-1', 0)).toBeUndefined()
  })
})

describe('full jitter', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1000 }
  it('draws uniformly below an exponentially growing, capped ceiling', () => {
    // random() → 0.999… gives the ceiling minus one; computed by hand: 100·2^n capped at 1000
    const nearlyOne = () => 0.99999
    expect([0, 1, 2, 3, 4, 10].map((n) => fullJitterDelayMs(n, options, nearlyOne))).toEqual([99, 199, 399, 799, 999, 999])
    expect(fullJitterDelayMs(5, options, () => 0)).toBe(0)
    expect(fullJitterDelayMs(1, options, () => 0.5)).toBe(100)
  })

  it('lets Retry-After win, bounded, and resets after success', () => {
    const backoff = createBackoff({ ...options, maxRetryAfterMs: 5000 }, () => 0.5)
    expect(backoff.nextDelayMs()).toBe(50)
    expect(backoff.nextDelayMs()).toBe(100)
    expect(backoff.nextDelayMs(3000)).toBe(3000)
    expect(backoff.nextDelayMs(60_000)).toBe(5000)
    expect(backoff.attempts).toBe(4)
    backoff.reset()
    expect(backoff.nextDelayMs()).toBe(50)
  })
})
