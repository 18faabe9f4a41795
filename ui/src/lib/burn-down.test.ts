import { describe, expect, it } from 'vitest'
import { burnDown, burnRate } from './burn-down.ts'

describe('burnDown', () => {
  it('spends the budget with the bad requests, ending at the remaining budget', () => {
    // 99 % objective over 4 buckets of 1000 requests: budget 40 bad requests
    const points = [
      { t: 0, total: 1000, bad: 10 },
      { t: 60_000, total: 1000, bad: 0 },
      { t: 120_000, total: 1000, bad: 20 },
      { t: 180_000, total: 1000, bad: 30 },
    ]
    const series = burnDown(points, 99)
    expect(series.map((p) => p.remaining)).toEqual([0.75, 0.75, 0.25, -0.5].map((x) => expect.closeTo(x, 10)))
    expect(series.map((p) => p.ideal)).toEqual([1, 2 / 3, 1 / 3, 0].map((x) => expect.closeTo(x, 10)))
  })
  it('sorts points and uses the given window for the ideal line', () => {
    const series = burnDown([{ t: 50, total: 10, bad: 0 }, { t: 0, total: 10, bad: 1 }], 90, { fromMs: 0, toMs: 100 })
    expect(series.map((p) => p.t)).toEqual([0, 50])
    expect(series[0]!.remaining).toBeCloseTo(0.5)
    expect(series[1]!.ideal).toBeCloseTo(0.5)
  })
  it('is full without requests and empty without points', () => {
    expect(burnDown([{ t: 0, total: 0, bad: 0 }], 99.9)[0]!.remaining).toBe(1)
    expect(burnDown([], 99)).toEqual([])
  })
})

describe('burnRate', () => {
  it('is the bad share over the budget', () => {
    expect(burnRate([{ t: 0, total: 1000, bad: 5 }], 99.9)).toBeCloseTo(5)
    expect(burnRate([{ t: 0, total: 0, bad: 0 }], 99.9)).toBeNull()
  })
})
