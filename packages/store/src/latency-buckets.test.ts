import { describe, expect, it } from 'vitest'
import { latencyBucketLowerNs, latencyBucketOf, latencyBucketUpperNs, mergeHistograms, quantileFromBuckets } from './latency-buckets.ts'

describe('latency buckets', () => {
  it('puts every duration inside its bucket, whose upper bound is at most 1 % above it', () => {
    for (const ns of [1, 2, 17, 999, 1000, 123_456, 5_000_000, 1e9, 3.7e10, 2 ** 52]) {
      const bucket = latencyBucketOf(ns)
      expect(latencyBucketLowerNs(bucket)).toBeLessThanOrEqual(ns)
      expect(latencyBucketUpperNs(bucket)).toBeGreaterThan(ns)
      expect(latencyBucketUpperNs(bucket) / ns).toBeLessThanOrEqual(1.01)
    }
  })

  it('maps 0 ns to bucket 0 and accepts bigints', () => {
    expect(latencyBucketOf(0)).toBe(0)
    expect(latencyBucketOf(1_000_000n)).toBe(latencyBucketOf(1_000_000))
    expect(latencyBucketOf(18_446_744_073_709_551_615n)).toBeLessThan(65536)
  })

  it('takes the nearest-rank quantile over buckets', () => {
    const histogram = { [latencyBucketOf(10)]: '3', [latencyBucketOf(1000)]: '1', [latencyBucketOf(50)]: 0 }
    expect(quantileFromBuckets(histogram, 0.5)).toBe(latencyBucketUpperNs(latencyBucketOf(10)))
    expect(quantileFromBuckets(histogram, 0.75)).toBe(latencyBucketUpperNs(latencyBucketOf(10)))
    expect(quantileFromBuckets(histogram, 0.76)).toBe(latencyBucketUpperNs(latencyBucketOf(1000)))
    expect(quantileFromBuckets({}, 0.5)).toBeUndefined()
    expect(() => quantileFromBuckets(histogram, 0)).toThrow(RangeError)
  })

  it('merges histograms by adding counts', () => {
    expect(mergeHistograms([{ 1: '2', 5: 1 }, { 5: '3' }])).toEqual({ 1: 2, 5: 4 })
  })
})
