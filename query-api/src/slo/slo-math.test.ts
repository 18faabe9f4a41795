import { describe, expect, it } from 'vitest'
import { latencyBucketOf, latencyBucketUpperNs } from '@periscope/store'
import { burnDown, burnRate, budgetFraction, errorBudget, sliPercent, timeToExhaustionS } from './slo-math.ts'
import { conditionWindows, evaluateBurnConditions, PAGE_CONDITIONS, TICKET_CONDITIONS } from './burn-conditions.ts'
import { effectiveThresholdNs, goodMaxBucket } from './latency-threshold.ts'
import { formatWindow, windowMs } from './windows.ts'

const DAY_S = 86_400

describe('budget and burn rate (hand-computed)', () => {
  it('99.9 % with 25 bad of 10 000: SLI 99.75 %, burn 2.5, budget overspent 1.5 times over', () => {
    const counts = { total: 10_000, bad: 25 }
    expect(budgetFraction(99.9)).toBeCloseTo(0.001, 12)
    expect(sliPercent(counts)).toBeCloseTo(99.75, 10)
    expect(burnRate(counts, 99.9)).toBeCloseTo(2.5, 9)
    const budget = errorBudget(counts, 99.9)
    expect(budget.total).toBeCloseTo(0.001, 12)
    expect(budget.consumed).toBeCloseTo(0.0025, 12)
    expect(budget.remaining).toBeCloseTo(-1.5, 9)
  })

  it('99 % with 5 bad of 2 000: burn 0.25, three quarters of the budget left', () => {
    const counts = { total: 2000, bad: 5 }
    expect(burnRate(counts, 99)).toBeCloseTo(0.25, 12)
    expect(errorBudget(counts, 99)).toEqual({ total: expect.closeTo(0.01, 12), consumed: expect.closeTo(0.0025, 12), remaining: expect.closeTo(0.75, 12) })
  })

  it('14.4 is the burn that spends 2 % of a 30-day budget in one hour', () => {
    // 0.02 of the budget in 1 h: bad/total = 0.02 · B · 720 h / 1 h
    const budget = budgetFraction(99.9)
    const ratio = (0.02 * budget * 720) / 1
    expect(burnRate({ total: 1_000_000, bad: ratio * 1_000_000 }, 99.9)).toBeCloseTo(14.4, 9)
  })

  it('no requests: no SLI, nothing burns, the whole budget is left', () => {
    expect(sliPercent({ total: 0, bad: 0 })).toBeNull()
    expect(burnRate({ total: 0, bad: 0 }, 99.9)).toBe(0)
    expect(errorBudget({ total: 0, bad: 0 }, 99.9).remaining).toBe(1)
  })

  it('refuses objectives of 0 or 100 % (no budget, or all of it)', () => {
    expect(() => budgetFraction(100)).toThrow(RangeError)
    expect(() => budgetFraction(0)).toThrow(RangeError)
  })
})

describe('time to exhaustion', () => {
  it('0.75 left at burn 0.25 over 30 days: 90 days', () => {
    expect(timeToExhaustionS(0.75, 0.25, 30 * DAY_S * 1000)).toBeCloseTo(90 * DAY_S, 6)
  })
  it('half left at burn 14.4 over 30 days: 25 hours', () => {
    expect(timeToExhaustionS(0.5, 14.4, 30 * DAY_S * 1000)).toBeCloseTo(25 * 3600, 6)
  })
  it('null when nothing burns, 0 when nothing is left', () => {
    expect(timeToExhaustionS(0.5, 0, 1000)).toBeNull()
    expect(timeToExhaustionS(-0.2, 3, 1000)).toBe(0)
  })
})

describe('burn-down', () => {
  it('spends the window budget (0.1 % of 4 000 = 4 bad requests) bucket by bucket', () => {
    const points = burnDown(
      [
        { tMs: 1000, total: 1000, bad: 1 },
        { tMs: 2000, total: 1000, bad: 0 },
        { tMs: 3000, total: 2000, bad: 3 },
      ],
      99.9,
    )
    expect(points.map((p) => p.t)).toEqual([1000, 2000, 3000])
    expect(points.map((p) => p.remaining)).toEqual([expect.closeTo(0.75, 9), expect.closeTo(0.75, 9), expect.closeTo(0, 9)])
  })

  it('ends at the status remaining, and below zero when overspent', () => {
    const buckets = [
      { tMs: 1, total: 500, bad: 2 },
      { tMs: 2, total: 500, bad: 8 },
    ]
    const points = burnDown(buckets, 99.5)
    // budget 0.5 % of 1000 = 5 bad; 10 bad spent twice the budget
    expect(points[1]!.remaining).toBeCloseTo(-1, 9)
    expect(points[1]!.remaining).toBeCloseTo(errorBudget({ total: 1000, bad: 10 }, 99.5).remaining, 9)
  })

  it('stays at 1 without requests', () => {
    expect(burnDown([{ tMs: 5, total: 0, bad: 0 }], 99.9)).toEqual([{ t: 5, remaining: 1 }])
  })
})

describe('multi-window burn conditions', () => {
  it('pages when 1h and 5m are both above 14.4; the value is the burn both exceed', () => {
    const verdict = evaluateBurnConditions(PAGE_CONDITIONS, { '1h': 15, '5m': 20, '6h': 3, '30m': 7 })
    expect(verdict).toEqual({ active: true, matched: PAGE_CONDITIONS[0], value: 15 })
  })

  it('pages on 6h/30m when the fast pair does not hold', () => {
    const verdict = evaluateBurnConditions(PAGE_CONDITIONS, { '1h': 15, '5m': 10, '6h': 7, '30m': 6.5 })
    expect(verdict).toEqual({ active: true, matched: PAGE_CONDITIONS[1], value: 10 })
  })

  it('does not page at exactly the threshold, nor when only the long window burns (errors stopped)', () => {
    expect(evaluateBurnConditions(PAGE_CONDITIONS, { '1h': 14.4, '5m': 14.4, '6h': 0, '30m': 0 }).active).toBe(false)
    expect(evaluateBurnConditions(PAGE_CONDITIONS, { '1h': 40, '5m': 0, '6h': 8, '30m': 5.9 }).active).toBe(false)
  })

  it('tickets when 3d and 6h are both above 1', () => {
    expect(evaluateBurnConditions(TICKET_CONDITIONS, { '3d': 1.2, '6h': 1.01 }).active).toBe(true)
    expect(evaluateBurnConditions(TICKET_CONDITIONS, { '3d': 1.2, '6h': 0.99 }).active).toBe(false)
  })

  it('names each window once', () => {
    expect(conditionWindows([...PAGE_CONDITIONS, { long: '1h', short: '5m', burnRate: 2 }])).toEqual(['1h', '5m', '6h', '30m'])
  })

  it('throws when a window was not computed (a bug, not data)', () => {
    expect(() => evaluateBurnConditions(TICKET_CONDITIONS, { '3d': 2 })).toThrow(/6h/)
  })
})

describe('latency threshold in buckets', () => {
  /** the largest bucket whose upper bound is ≤ threshold, by scanning every bucket */
  function scan(thresholdNs: number): number {
    let best = -1
    for (let b = 0; b < 4500; b++) if (latencyBucketUpperNs(b) <= thresholdNs) best = b
    return best
  }

  it('agrees with a scan of every bucket, at bounds and between them', () => {
    const thresholds = [1, 2, 999, 1e6, 3e8, 250e6, 1.5e9, latencyBucketUpperNs(1800), latencyBucketUpperNs(1800) - 1, latencyBucketUpperNs(1800) + 1]
    for (const t of thresholds) expect(goodMaxBucket(t), `threshold ${t}`).toBe(scan(t))
  })

  it('counts a duration good only when its bucket lies wholly under the threshold (effective threshold within 1 % below)', () => {
    const thresholdNs = 300e6
    const effective = effectiveThresholdNs(thresholdNs)
    expect(effective).toBeLessThanOrEqual(thresholdNs)
    expect(effective).toBeGreaterThan(thresholdNs / 1.01)
    // a request exactly at the threshold shares the threshold's bucket, whose bound lies above it
    expect(latencyBucketOf(thresholdNs)).toBeGreaterThan(goodMaxBucket(thresholdNs))
    expect(latencyBucketOf(thresholdNs / 1.011)).toBeLessThanOrEqual(goodMaxBucket(thresholdNs))
  })

  it('has no good bucket under 1 ns', () => {
    expect(goodMaxBucket(0.5)).toBe(-1)
    expect(effectiveThresholdNs(0.5)).toBe(0)
  })
})

describe('windows', () => {
  it('parses and formats whole-minute windows up to 30 days', () => {
    expect(windowMs('5m')).toBe(300_000)
    expect(windowMs('6h')).toBe(21_600_000)
    expect(windowMs('3d')).toBe(259_200_000)
    expect(windowMs('31d')).toBeNull()
    expect(windowMs('0m')).toBeNull()
    expect(windowMs('5s')).toBeNull()
    expect(formatWindow(259_200_000)).toBe('3d')
    expect(formatWindow(5_400_000)).toBe('90m')
  })
})
