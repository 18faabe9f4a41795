import { describe, expect, it } from 'vitest'
import { describeCondition } from '../alerts/rule-condition.ts'
import { listOf, slosOf } from './slo-list.ts'
import { burnDownRows, formatTimeToExhaustion } from './slo-status-view.ts'
import { DEFAULT_SLO_WINDOW_MS, sloWindowMs } from './slo-window.ts'

describe('SLO answers', () => {
  it('takes the wrapped lists of the API and nothing else', () => {
    expect(slosOf(undefined)).toEqual([])
    expect(listOf({ channels: [1, 2] }, 'channels')).toEqual([1, 2])
    expect(listOf({ channels: 'x' }, 'channels')).toEqual([])
    expect(listOf([1], 'channels')).toEqual([])
    expect(listOf(null, 'rules')).toEqual([])
  })

  it('reads the window texts of the API, 30 days otherwise', () => {
    expect(sloWindowMs('7d')).toBe(7 * 86_400_000)
    expect(sloWindowMs('28d')).toBe(28 * 86_400_000)
    expect(sloWindowMs('rolling')).toBe(DEFAULT_SLO_WINDOW_MS)
    expect(sloWindowMs(undefined)).toBe(30 * 86_400_000)
  })

  it('adds the even-spend line to the burn-down: 1 at the window start, 0 at its end', () => {
    const rows = burnDownRows({ burnDown: [{ t: 1000, remaining: 1 }, { t: 1500, remaining: 0.6 }, { t: 2000, remaining: -0.2 }] }, { fromMs: 1000, toMs: 2000 })
    expect(rows).toEqual([
      { t: 1000, remaining: 1, ideal: 1 },
      { t: 1500, remaining: 0.6, ideal: 0.5 },
      { t: 2000, remaining: -0.2, ideal: 0 },
    ])
  })

  it('says how long the budget lasts', () => {
    expect(formatTimeToExhaustion(null)).toBe('not burning')
    expect(formatTimeToExhaustion(0)).toBe('exhausted')
    expect(formatTimeToExhaustion(45)).toBe('45s')
    expect(formatTimeToExhaustion(2 * 3600 + 5 * 60 + 7)).toBe('2h 5m')
    expect(formatTimeToExhaustion(3 * 86_400 + 4 * 3600 + 59)).toBe('3d 4h')
    expect(formatTimeToExhaustion(86_400 + 30)).toBe('1d')
  })

  it('describes what a rule watches', () => {
    expect(describeCondition({ type: 'slo_burn', sloId: 'x', conditions: [{ long: '1h', short: '5m', burnRate: 14.4 }] }, (id) => (id === 'x' ? 'Checkout availability' : undefined))).toBe(
      'SLO Checkout availability burn rate (1h&5m > 14.4×)',
    )
    expect(describeCondition({ type: 'error_rate', service: 'checkout', window: '5m', above: 0.05 })).toBe('error rate of checkout over 5m > 5%')
    expect(describeCondition({ type: 'latency', window: '10m', aboveMs: 300 })).toBe('p99 of every service over 10m > 300 ms')
    expect(describeCondition({ type: 'error_logs', service: 'payment', window: '15m', above: 10 })).toBe('logs ≥ severity 17 of payment over 15m > 10')
  })
})
