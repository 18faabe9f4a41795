import { describe, expect, it } from 'vitest'
import { errorLogCountsQuery, exampleTracesQuery } from '../alerts/rule-queries.ts'
import { latestQuery } from '../alerts/versioned-cas.ts'
import { ceilMinuteNs, countsOf, seriesQuery, windowsQuery, windowStartNs, type SliSelector } from './sli-query.ts'
import { burnBuckets } from './slo-status.ts'

const MINUTE_NS = 60_000_000_000n
const HOSTILE = "x' OR 1=1 --"
const availability: SliSelector = { tenantId: 'acme', service: 'checkout', operation: '', kind: 'availability', goodMaxBucket: -1 }
const latency: SliSelector = { tenantId: 'acme', service: HOSTILE, operation: HOSTILE, kind: 'latency', goodMaxBucket: 1750 }
// 20.5 s into a minute
const TO_NS = 1_767_225_600_000_000_000n + 20_500_000_000n

describe('SLI SQL', () => {
  it('is stable text with every value a parameter', () => {
    const queries = [
      windowsQuery(availability, TO_NS, [300_000, 3_600_000, 30 * 86_400_000]),
      windowsQuery(latency, TO_NS, [300_000]),
      seriesQuery(latency, TO_NS - 7n * 86_400n * 1_000_000_000n, TO_NS, 3_060_000),
      errorLogCountsQuery({ tenantId: 'acme', fromNs: TO_NS - 5n * MINUTE_NS, toNs: TO_NS, minSeverity: 17, service: HOSTILE, limit: 10 }),
      exampleTracesQuery({ tenantId: 'acme', service: HOSTILE, operation: HOSTILE, fromNs: 0n, toNs: TO_NS, kind: 'slow', thresholdNs: 25e7, limit: 3 }),
      exampleTracesQuery({ tenantId: 'acme', service: 'billing', operation: '', fromNs: 0n, toNs: TO_NS, kind: 'error_logs', limit: 3 }),
      latestQuery('alert_state', 'State AS state', null, 100),
    ]
    for (const q of queries) {
      expect(q.sql).not.toContain(HOSTILE)
      expect(q.sql).not.toContain('checkout')
      expect(q.sql.includes('{tenantId:String}') || q.unscoped === true).toBe(true)
    }
    expect(queries.map((q) => `-- ${q.name}\n${q.sql}`).join('\n\n')).toMatchSnapshot()
    expect(queries[0]!.params).toMatchObject({ tenantId: 'acme', service: 'checkout', toNs: TO_NS.toString(), tailNs: (TO_NS - 20_500_000_000n).toString() })
    expect(queries[1]!.params).toMatchObject({ service: HOSTILE, operation: HOSTILE, goodMaxBucket: 1750 })
  })

  it('starts windows of a day or more at the next whole minute, shorter ones exactly', () => {
    expect(windowStartNs(TO_NS, 300_000)).toBe(TO_NS - 300_000_000_000n)
    expect(windowStartNs(TO_NS, 86_400_000)).toBe(ceilMinuteNs(TO_NS - 86_400_000_000_000n))
    expect(windowStartNs(TO_NS, 86_400_000) % MINUTE_NS).toBe(0n)
    const q = windowsQuery(availability, TO_NS, [300_000, 86_400_000])
    expect(q.params.from1).toBe(q.params.ceil1)
    expect(BigInt(q.params.ceil0 as string) - BigInt(q.params.from0 as string)).toBe(MINUTE_NS - 20_500_000_000n)
  })

  it('refuses windows that are not whole minutes (a bug)', () => {
    expect(() => windowsQuery(availability, TO_NS, [90_000])).toThrow(/whole number of minutes/)
    expect(() => windowsQuery(availability, TO_NS, [])).toThrow()
  })

  it('reads counts in the order asked, zeros for an empty answer', () => {
    expect(countsOf({ total0: '10', bad0: '1', total1: '20', bad1: '0' }, 2)).toEqual([
      { total: 10, bad: 1 },
      { total: 20, bad: 0 },
    ])
    expect(countsOf(undefined, 1)).toEqual([{ total: 0, bad: 0 }])
  })

  it('fills burn-down buckets, the last ending at `to`', () => {
    expect(burnBuckets([{ bucket: '1', total: '5', bad: '1' }], 0, 250, 100)).toEqual([
      { tMs: 100, total: 0, bad: 0 },
      { tMs: 200, total: 5, bad: 1 },
      { tMs: 250, total: 0, bad: 0 },
    ])
  })
})
