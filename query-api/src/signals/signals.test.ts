import { describe, expect, it } from 'vitest'
import { latencyBucketUpperNs, quantileFromBuckets } from '@periscope/store'
import { histogramQuantile } from './histogram-quantile.ts'
import { latencyOf, quantilesFromBuckets, redOf } from './red.ts'

describe('histogramQuantile', () => {
  const bounds = [10, 50, 100]
  it('interpolates inside the bucket holding the rank', () => {
    expect(histogramQuantile(0.5, bounds, [0, 10, 0, 0])).toBe(30)
    expect(histogramQuantile(0.25, bounds, [10, 10, 0, 0])).toBe(5)
    expect(histogramQuantile(0.75, bounds, [0, 10, 10, 0])).toBe(75)
  })
  it('answers the largest bound for the unbounded bucket, null when empty', () => {
    expect(histogramQuantile(0.99, bounds, [0, 0, 0, 5])).toBe(100)
    expect(histogramQuantile(0.5, bounds, [0, 0, 0, 0])).toBeNull()
    expect(() => histogramQuantile(1.5, bounds, [1])).toThrow(RangeError)
  })
})

describe('latencyOf', () => {
  it('reads bucket upper bounds, capped at the largest duration', () => {
    // 10 durations in bucket 1000 (≈ 20959 ns), 1 in bucket 1200
    const histogram = { '1000': '10', '1200': '1' }
    const latency = latencyOf(histogram, 1e9)
    expect(latency.p50).toBeCloseTo(latencyBucketUpperNs(1000) / 1e6, 12)
    expect(latency.p99).toBeCloseTo(latencyBucketUpperNs(1200) / 1e6, 12)
    expect(latencyOf(histogram, 21_000).max).toBe(0.021)
    expect(latencyOf({}, 5)).toEqual({ p50: null, p90: null, p95: null, p99: null, max: null })
  })
  it('derives rates and means from the sums', () => {
    const red = redOf({ key: 's', requests: '4', errors: '1', durationSumNs: '8000000', durationMaxNs: '5000000', latencyOk: { '1500': '3' }, latencyError: { '1540': '1' } })
    expect(red).toMatchObject({ requests: 4, errors: 1, errorRate: 0.25, meanMs: 2 })
    expect(red.errorLatencyMs.max).toBe(Math.min(latencyBucketUpperNs(1540), 5e6) / 1e6)
  })
})

describe('quantilesFromBuckets', () => {
  it("answers exactly what the store's quantileFromBuckets answers", () => {
    let seed = 7
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31)
    const qs = [0.001, 0.5, 0.9, 0.95, 0.99, 0.999, 1]
    for (let h = 0; h < 200; h++) {
      const histogram: Record<string, string> = {}
      const size = 1 + Math.floor(random() * 50)
      for (let i = 0; i < size; i++) histogram[String(Math.floor(random() * 4000))] = String(Math.floor(random() * 5))
      expect(quantilesFromBuckets(histogram, qs)).toEqual(qs.map((q) => quantileFromBuckets(histogram, q)))
    }
  })
})
