import { describe, expect, it } from 'vitest'
import { parseInstantNs } from './instant.ts'
import { isoOfNs } from './iso.ts'
import { bucketCount, bucketCoverageSeconds, bucketStartsMs, chooseStepMs, formatStep, parseStepMs } from './step.ts'
import { resolveTimeRange } from './time-range.ts'

const limits = { defaultRangeMs: 3600_000, maxRangeMs: 31 * 86_400_000 }

describe('parseInstantNs', () => {
  it('reads unix ms and RFC 3339 down to the nanosecond', () => {
    expect(parseInstantNs('1767225600000')).toBe(1_767_225_600_000_000_000n)
    expect(parseInstantNs('2026-01-01T00:00:00Z')).toBe(1_767_225_600_000_000_000n)
    expect(parseInstantNs('2026-01-01T00:00:00.000000001Z')).toBe(1_767_225_600_000_000_001n)
    expect(parseInstantNs('2026-01-01T02:00:00.5+02:00')).toBe(1_767_225_600_500_000_000n)
    expect(parseInstantNs('2025-12-31t19:30:00-04:30')).toBe(1_767_225_600_000_000_000n)
  })
  it('refuses anything else', () => {
    for (const bad of ['', 'now', '-1', '1.5', '2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01', '2026-01-01T00:00:00', "1' OR 1=1", '1e12', '2026-01-01T00:00:00.1234567891Z']) {
      expect(parseInstantNs(bad), bad).toBeNull()
    }
  })
  it('round-trips through isoOfNs', () => {
    expect(isoOfNs(1_767_225_600_123_456_789n)).toBe('2026-01-01T00:00:00.123456789Z')
    expect(isoOfNs(1_767_225_600_123_000_000n)).toBe('2026-01-01T00:00:00.123Z')
    expect(parseInstantNs(isoOfNs(1_767_225_600_123_456_789n))).toBe(1_767_225_600_123_456_789n)
  })
})

describe('resolveTimeRange', () => {
  it('defaults to the last defaultRangeMs before now', () => {
    expect(resolveTimeRange({}, limits, 7_200_000)).toEqual({ fromNs: 3_600_000_000_000n, toNs: 7_200_000_000_000n })
    expect(resolveTimeRange({ to: '5000000' }, limits, 0)).toEqual({ fromNs: 1_400_000_000_000n, toNs: 5_000_000_000_000n })
  })
  it('refuses empty, inverted and too wide ranges with 400', () => {
    expect(() => resolveTimeRange({ from: '10', to: '10' }, limits, 0)).toThrow(expect.objectContaining({ statusCode: 400 }))
    expect(() => resolveTimeRange({ from: '0', to: String(31 * 86_400_000 + 1) }, limits, 0)).toThrow(expect.objectContaining({ code: 'PERISCOPE_ERR_QUERY_RANGE_TOO_WIDE' }))
    expect(resolveTimeRange({ from: '0', to: String(31 * 86_400_000) }, limits, 0).toNs).toBe(31n * 86_400_000_000_000n)
  })
})

describe('steps', () => {
  const hour = { fromNs: 0n, toNs: 3_600_000_000_000n }
  it('parses durations', () => {
    expect([parseStepMs('30s'), parseStepMs('5m'), parseStepMs('1h'), parseStepMs('2d'), parseStepMs('250'), parseStepMs('250ms')]).toEqual([30_000, 300_000, 3_600_000, 172_800_000, 250, 250])
    expect([parseStepMs('0'), parseStepMs('1w'), parseStepMs('-5m'), parseStepMs('')]).toEqual([null, null, null, null])
    expect(formatStep(300_000)).toBe('5m')
  })
  it('counts epoch-aligned buckets touching the range, partial ones included', () => {
    expect(bucketCount(hour, 60_000)).toBe(60)
    expect(bucketCount({ fromNs: 30_000_000_000n, toNs: 90_000_000_001n }, 60_000)).toBe(2)
    expect(bucketStartsMs({ fromNs: 30_000_000_000n, toNs: 90_000_000_001n }, 60_000)).toEqual([0, 60_000])
    expect(bucketCoverageSeconds({ fromNs: 30_000_000_000n, toNs: 90_000_000_000n }, 0, 60_000)).toBe(30)
  })
  it('chooses the smallest nice step with at most maxPoints points', () => {
    expect(chooseStepMs(hour, undefined, 300)).toBe(15_000)
    expect(chooseStepMs({ fromNs: 0n, toNs: 86_400_000_000_000n }, undefined, 300)).toBe(300_000)
    expect(chooseStepMs({ fromNs: 0n, toNs: 31n * 86_400_000_000_000n }, undefined, 300)).toBe(3 * 3600_000)
    expect(chooseStepMs(hour, '1m', 300)).toBe(60_000)
    expect(() => chooseStepMs(hour, '1s', 300)).toThrow(/gives 3600 points.*use step 15s or more/)
    expect(() => chooseStepMs(hour, 'soon', 300)).toThrow(expect.objectContaining({ statusCode: 400 }))
  })
})
