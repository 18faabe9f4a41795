import { describe, expect, it } from 'vitest'
import { formatCount, formatDurationNs, formatMs, formatPercent, formatTimeMs, formatTimeNs } from './format.ts'

describe('format', () => {
  it('formats durations with a unit that fits', () => {
    expect(formatDurationNs(850)).toBe('850ns')
    expect(formatDurationNs(12_345)).toBe('12.3µs')
    expect(formatDurationNs(1_250_000n)).toBe('1.25ms')
    expect(formatDurationNs(2_500_000_000)).toBe('2.5s')
    expect(formatDurationNs(200e9)).toBe('3m 20s')
    expect(formatDurationNs(3900e9)).toBe('1h 05m')
    expect(formatMs(null)).toBe('–')
    expect(formatMs(150)).toBe('150ms')
  })
  it('formats fractions as percentages', () => {
    expect(formatPercent(0.0512)).toBe('5.12%')
    expect(formatPercent(0)).toBe('0%')
    expect(formatPercent(0.00001)).toBe('<0.01%')
    expect(formatPercent(1)).toBe('100%')
    expect(formatPercent(0.5, 0)).toBe('50%')
    expect(formatPercent(1, 0)).toBe('100%')
    expect(formatPercent(0.25, 1)).toBe('25%')
  })
  it('formats counts and times (UTC)', () => {
    expect(formatCount(1234)).toBe('1.23k')
    expect(formatCount(2_500_000)).toBe('2.5M')
    expect(formatCount(0.5)).toBe('0.5')
    expect(formatCount(0.025)).toBe('0.025')
    expect(formatCount(0.0333333)).toBe('0.0333')
    expect(formatTimeMs(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('2026-01-02 03:04:05')
    expect(formatTimeNs('1767323045123456789')).toBe('2026-01-02 03:04:05.123456')
  })
})
