import { describe, expect, it } from 'vitest'
import { chooseStepMs, stepParam } from './step.ts'
import { bucketRange, parseIntervalMs, rangeLabel, resolveInstant, resolveRange } from './time-range.ts'

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0)

describe('time range', () => {
  it('reads relative and absolute instants', () => {
    expect(resolveInstant('now', NOW)).toBe(NOW)
    expect(resolveInstant('now-15m', NOW)).toBe(NOW - 15 * 60_000)
    expect(resolveInstant('now-2d', NOW)).toBe(NOW - 2 * 86_400_000)
    expect(resolveInstant('1767225600000', NOW)).toBe(1767225600000)
    expect(resolveInstant('2026-01-01T00:00:00Z', NOW)).toBe(Date.UTC(2026, 0, 1))
    expect(resolveInstant('yesterday', NOW)).toBeNull()
  })
  it('falls back to the last hour for unreadable or reversed ranges', () => {
    expect(resolveRange({}, NOW)).toEqual({ fromMs: NOW - 3600_000, toMs: NOW })
    expect(resolveRange({ from: 'garbage' }, NOW)).toEqual({ fromMs: NOW - 3600_000, toMs: NOW })
    expect(resolveRange({ from: 'now', to: 'now-1h' }, NOW)).toEqual({ fromMs: NOW - 2 * 3600_000, toMs: NOW - 3600_000 })
  })
  it('labels presets and makes bucket links', () => {
    expect(rangeLabel({ from: 'now-15m', to: 'now' })).toBe('Last 15 minutes')
    expect(rangeLabel({ from: 'now-90m', to: 'now' })).toBe('Last 90m')
    expect(bucketRange(1000.7, 60_000)).toEqual({ from: '1000', to: '61000' })
    expect(parseIntervalMs('30s')).toBe(30_000)
    expect(parseIntervalMs('off')).toBeNull()
  })
})

describe('step', () => {
  it('chooses the smallest nice step within the point budget', () => {
    expect(chooseStepMs(3600_000, 120)).toBe(30_000) // 120 points
    expect(chooseStepMs(3600_000, 100)).toBe(60_000)
    expect(chooseStepMs(7 * 86_400_000, 120)).toBe(3 * 3600_000) // 1h gives 168 points, 3h gives 56
  })
  it('writes steps in the API syntax', () => {
    expect(stepParam(30_000)).toBe('30s')
    expect(stepParam(300_000)).toBe('5m')
    expect(stepParam(3 * 3600_000)).toBe('3h')
    expect(stepParam(86_400_000)).toBe('1d')
  })
})
