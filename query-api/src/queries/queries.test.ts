/**
 * Snapshot tests of the generated SQL: the text of each query module, per fixed variant. The
 * text must never contain a value from the request — every value travels in params — so each
 * test also checks that no parameter value appears in the SQL.
 */
import { describe, expect, it } from 'vitest'
import type { SqlQuery } from '../sql/query-runner.ts'
import { planSignals, signalsQuery } from './golden-signals.ts'
import { logSearchQuery, queryWords, traceLogsQuery } from './logs.ts'
import { counterIncreaseQuery, countSumQuery, histogramBucketsQuery, metricKindQuery, metricNamesQuery, metricValueQuery } from './metrics.ts'
import { resourceSeriesQuery, servingHostsQuery } from './resources.ts'
import { traceCandidatesQuery, traceIndexQuery, traceSpansQuery, traceSummariesQuery } from './traces.ts'
import { dashboardQuery, listDashboardsQuery } from './dashboards.ts'
import { listTokensQuery, tenantTokenQuery, tokenByIdQuery } from './tokens.ts'

const EVIL = "x' OR 1=1 --"
const range = { fromNs: 1_767_225_617_123_456_789n, toNs: 1_767_229_261_500_000_000n }

/** The SQL text, after checking that no string parameter value leaked into it. */
function sqlOf(query: SqlQuery): string {
  for (const [name, value] of Object.entries(query.params)) {
    expect(query.sql, `param ${name}`).toContain(`{${name}:`)
    if (typeof value === 'string' && value.length > 3) expect(query.sql).not.toContain(value)
  }
  return query.sql
}

describe('golden signals SQL', () => {
  const plan = planSignals(range, { minRangeMs: 600_000 })
  it('groups by service', () => expect(sqlOf(signalsQuery({ tenantId: EVIL, plan, groupBy: 'service' }))).toMatchSnapshot())
  it('groups by operation of one service', () => expect(sqlOf(signalsQuery({ tenantId: 't', plan, groupBy: 'operation', service: EVIL }))).toMatchSnapshot())
  it('groups by time for one operation', () => expect(sqlOf(signalsQuery({ tenantId: 't', plan, groupBy: 'time', service: EVIL, operation: EVIL + '2', stepMs: 60_000 }))).toMatchSnapshot())
  it('reads the hour tier unless the caller planned minutes only', () => {
    const hourly = planSignals({ fromNs: range.fromNs, toNs: range.fromNs + 10n * 3_600_000_000_000n }, { minRangeMs: 600_000 })
    expect(sqlOf(signalsQuery({ tenantId: 't', plan: hourly, groupBy: 'service' }))).toMatchSnapshot()
    expect(() => signalsQuery({ tenantId: 't', plan: hourly, hourly: false, groupBy: 'service' })).toThrow(/hour tier/)
  })
  it('leaves out the branches of tiers the plan does not use', () => {
    const raw = signalsQuery({ tenantId: 't', plan: planSignals(range, { minRangeMs: 600_000, source: 'raw' }), groupBy: 'service' })
    expect(sqlOf(raw)).toMatchSnapshot()
    expect(raw.sql).not.toContain('golden_signals_1m')
    const aligned = signalsQuery({ tenantId: 't', plan: planSignals({ fromNs: 0n, toNs: 7_200_000_000_000n }, { minRangeMs: 600_000 }), groupBy: 'service' })
    expect(aligned.sql).toContain('golden_signals_1h')
    expect(aligned.sql).not.toContain('golden_signals_1m')
    expect(aligned.sql).not.toContain('otel_traces')
  })
})

describe('resources SQL', () => {
  it('finds hosts and joins their gauges', () => {
    expect(sqlOf(servingHostsQuery('t', EVIL, range, 50))).toMatchSnapshot()
    expect(sqlOf(resourceSeriesQuery({ tenantId: 't', service: EVIL, range, stepMs: 60_000, metrics: [EVIL], hosts: [EVIL], pods: [] }))).toMatchSnapshot()
  })
})

describe('traces SQL', () => {
  const base = { tenantId: 't', windowFromNs: range.fromNs, windowToNs: range.toNs, spansToNs: range.toNs, limit: 51 }
  it('finds candidates without span filters', () => expect(sqlOf(traceCandidatesQuery({ ...base, filters: {} }))).toMatchSnapshot())
  it('summarises candidates from the index', () => {
    expect(sqlOf(traceSummariesQuery({ tenantId: 't', traceIds: ['ab'.repeat(16), EVIL], windowFromNs: 1n, windowToNs: 2n, cursor: { startNs: 5n, traceId: EVIL } }))).toMatchSnapshot()
  })
  it('finds candidates with every span filter and a cursor', () => {
    const query = traceCandidatesQuery({
      ...base,
      filters: { service: EVIL, operation: EVIL + 'op', status: 'error', minDurationNs: 1n, maxDurationNs: 2n, attributes: [[EVIL + 'k', EVIL + 'v'], ['a', 'b']] },
      cursor: { startNs: 5n, traceId: 'ab'.repeat(16) },
    })
    expect(sqlOf(query)).toMatchSnapshot()
  })
  it('reads one trace through the index', () => {
    expect(sqlOf(traceIndexQuery('t', 'ab'.repeat(16)))).toMatchSnapshot()
    expect(sqlOf(traceSpansQuery('t', 'ab'.repeat(16), 1n, 2n, 100))).toMatchSnapshot()
    expect(sqlOf(traceLogsQuery('t', 'ab'.repeat(16), 1n, 2n, 100))).toMatchSnapshot()
  })
})

describe('logs SQL', () => {
  it('searches words, severities, service, trace and cursor', () => {
    const query = logSearchQuery({
      tenantId: 't',
      windowFromNs: range.fromNs,
      windowToNs: range.toNs,
      filters: { q: 'Payment declined', service: EVIL, severityNumbers: [17, 18], minSeverityNumber: 9, traceId: 'ab'.repeat(16) },
      cursor: { timeNs: 5n, rowKey: '123' },
      limit: 51,
    })
    expect(sqlOf(query)).toMatchSnapshot()
    expect(query.params).toMatchObject({ word0: 'payment', word1: 'declined', q: 'Payment declined' })
  })
  it('splits words as ClickHouse tokenizes', () => {
    expect(queryWords("order-42 FAILED: can't pay ünïcødé_x")).toEqual(['order', '42', 'failed', 'can', 't', 'pay', 'ünïcødé', 'x'])
    expect(queryWords('!!!')).toEqual([])
  })
})

describe('metrics SQL', () => {
  const options = { tenantId: 't', name: EVIL, kind: 'gauge' as const, range, stepMs: 60_000, groupBy: [EVIL + 'g'], filters: [[EVIL + 'k', EVIL + 'v']] as Array<[string, string]> }
  it('lists names and finds a kind', () => {
    expect(sqlOf(metricNamesQuery('t', range, 100))).toMatchSnapshot()
    expect(sqlOf(metricKindQuery('t', EVIL, range))).toMatchSnapshot()
  })
  it('aggregates values, counters and histograms', () => {
    expect(sqlOf(metricValueQuery({ ...options, aggregation: 'sum' }))).toMatchSnapshot()
    expect(sqlOf(metricValueQuery({ ...options, aggregation: 'avg' }))).toMatchSnapshot()
    expect(sqlOf(counterIncreaseQuery({ ...options, kind: 'sum' }))).toMatchSnapshot()
    expect(sqlOf(countSumQuery({ ...options, kind: 'summary' }))).toMatchSnapshot()
    expect(sqlOf(histogramBucketsQuery({ ...options, kind: 'histogram' }))).toMatchSnapshot()
  })
})

describe('config SQL', () => {
  it('reads dashboards and tokens', () => {
    expect(sqlOf(dashboardQuery('t', EVIL))).toMatchSnapshot()
    expect(sqlOf(listDashboardsQuery('t', 10))).toMatchSnapshot()
    expect(sqlOf(tokenByIdQuery(EVIL))).toMatchSnapshot()
    expect(sqlOf(tenantTokenQuery('t', EVIL))).toMatchSnapshot()
    expect(sqlOf(listTokensQuery('t', 10))).toMatchSnapshot()
  })
})

describe('planSignals', () => {
  it('reads whole minutes from the rollups and the edges raw', () => {
    const plan = planSignals(range, { minRangeMs: 600_000 })
    expect(plan.source).toBe('mixed')
    expect(plan.minuteFromNs).toBe(1_767_225_660_000_000_000n)
    expect(plan.minuteToNs).toBe(1_767_229_260_000_000_000n)
    expect([plan.hourFromNs, plan.hourToNs]).toEqual([plan.minuteToNs, plan.minuteToNs])
  })
  it('reads whole hours from the hour tier when the step allows, unless planning minutes only', () => {
    const H = 3_600_000_000_000n
    const wide = { fromNs: 10n * H + 90_000_000_001n, toNs: 20n * H + 300_000_000_000n }
    const plan = planSignals(wide, { minRangeMs: 600_000 })
    expect(plan).toMatchObject({ minuteFromNs: 10n * H + 120_000_000_000n, hourFromNs: 11n * H, hourToNs: 20n * H, minuteToNs: 20n * H + 300_000_000_000n, source: 'mixed' })
    expect(planSignals(wide, { minRangeMs: 600_000, stepMs: 300_000 })).toMatchObject({ hourFromNs: plan.minuteToNs, hourToNs: plan.minuteToNs })
    expect(planSignals(wide, { minRangeMs: 600_000, stepMs: 7_200_000 })).toMatchObject({ hourFromNs: 11n * H, hourToNs: 20n * H })
    expect(planSignals(wide, { minRangeMs: 600_000, hourly: false })).toMatchObject({ hourFromNs: plan.minuteToNs })
  })
  it('uses rollups only for wide enough ranges and minute steps', () => {
    expect(planSignals({ fromNs: 0n, toNs: 540_000_000_000n }, { minRangeMs: 600_000 }).source).toBe('raw')
    expect(planSignals({ fromNs: 0n, toNs: 540_000_000_000n }, { minRangeMs: 600_000, source: 'rollup' }).source).toBe('rollup')
    expect(planSignals({ fromNs: 0n, toNs: 3_600_000_000_000n }, { minRangeMs: 600_000 }).source).toBe('rollup')
    expect(planSignals({ fromNs: 0n, toNs: 3_600_000_000_000n }, { minRangeMs: 600_000, stepMs: 30_000 }).source).toBe('raw')
    expect(planSignals({ fromNs: 1n, toNs: 119_999_999_999n }, { minRangeMs: 60_000, source: 'rollup' }).source).toBe('raw')
    const raw = planSignals(range, { minRangeMs: 600_000, source: 'raw' })
    expect([raw.minuteFromNs, raw.minuteToNs, raw.hourFromNs, raw.hourToNs]).toEqual([range.toNs, range.toNs, range.toNs, range.toNs])
  })
})
