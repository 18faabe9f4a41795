/**
 * Golden signals (RED) of entry spans, from rollups, from raw spans, or from both.
 *
 * Plan (planSignals): a range [from, to) is cut into up to three tiers, coarse in the middle,
 * fine at the edges:
 *   whole hours   [hourFrom, hourTo)                          golden_signals_1h
 *   whole minutes [minuteFrom, hourFrom) ∪ [hourTo, minuteTo)  golden_signals_1m
 *   the rest      [from, minuteFrom) ∪ [minuteTo, to)          otel_traces (raw spans)
 * Rollups are used when
 *   - the range is at least `rollups.minRangeMs` wide (or `source=rollup` is asked for),
 *   - a series step, if any, is a whole number of minutes (of hours, for the hour tier), so
 *     every bucket is made of whole rollup rows,
 *   - the range holds a whole minute (hour);
 * golden_signals_1h is the store's migration 0005, so it is there whenever the service runs (it
 * refuses a schema that is behind); `hourly: false` plans minutes only, which tests and the
 * query bench use to compare the tiers over one store.
 * a tier that is not used is an empty range (its from = its to) and its branch is left out of
 * the SQL (reading nothing still costs the index analysis). `source=raw` reads only raw spans.
 *
 * The tiers give the same numbers because they aggregate the same way: counts and sums add,
 * max takes the max, latency is a histogram bucket → count built with the store's latency bucket
 * expression (LATENCY_BUCKET_SQL) — by the rollups' materialized views on insert, by this query
 * on raw spans — and merged with sumMap. A span belongs to the minute (hour) that holds its
 * Timestamp, so a range of whole minutes (hours) is exactly the same spans in any tier.
 *
 * The SQL text varies only by the fixed variant (grouping key, optional service/operation
 * filters, which tiers have a non-empty range); every value is a query parameter.
 */
import { latencyBucketSql } from '@periscope/store'
import type { SqlQuery } from '../sql/query-runner.ts'
import type { TimeRange } from '../time/time-range.ts'

export type SignalsSourceParam = 'auto' | 'raw' | 'rollup'

/** The hour tier (store migration 0005_golden_signals_1h.sql). */
export const HOURLY_ROLLUP_TABLE = 'golden_signals_1h'

export interface SignalsPlan {
  readonly range: TimeRange
  /** whole minutes [minuteFromNs, minuteToNs) minus the hours; equal when unused */
  readonly minuteFromNs: bigint
  readonly minuteToNs: bigint
  /** whole hours [hourFromNs, hourToNs) inside the minutes; equal when unused */
  readonly hourFromNs: bigint
  readonly hourToNs: bigint
  readonly source: 'rollup' | 'raw' | 'mixed'
}

const MINUTE_NS = 60_000_000_000n
const HOUR_NS = 60n * MINUTE_NS

const ceilTo = (ns: bigint, unit: bigint) => ((ns + unit - 1n) / unit) * unit
const floorTo = (ns: bigint, unit: bigint) => (ns / unit) * unit

export interface PlanOptions {
  minRangeMs: number
  stepMs?: number | undefined
  source?: SignalsSourceParam | undefined
  /** whole hours from golden_signals_1h (default); false: minutes only */
  hourly?: boolean | undefined
}

export function planSignals(range: TimeRange, options: PlanOptions): SignalsPlan {
  const source = options.source ?? 'auto'
  const raw: SignalsPlan = { range, minuteFromNs: range.toNs, minuteToNs: range.toNs, hourFromNs: range.toNs, hourToNs: range.toNs, source: 'raw' }
  if (source === 'raw') return raw
  if (source === 'auto' && range.toNs - range.fromNs < BigInt(options.minRangeMs) * 1_000_000n) return raw
  const stepNs = options.stepMs === undefined ? undefined : BigInt(options.stepMs) * 1_000_000n
  if (stepNs !== undefined && stepNs % MINUTE_NS !== 0n) return raw
  const minuteFromNs = ceilTo(range.fromNs, MINUTE_NS)
  const minuteToNs = floorTo(range.toNs, MINUTE_NS)
  if (minuteFromNs >= minuteToNs) return raw
  let hourFromNs = minuteToNs
  let hourToNs = minuteToNs
  if (options.hourly !== false && (stepNs === undefined || stepNs % HOUR_NS === 0n)) {
    const from = ceilTo(range.fromNs, HOUR_NS)
    const to = floorTo(range.toNs, HOUR_NS)
    if (from < to) [hourFromNs, hourToNs] = [from, to]
  }
  const whole = minuteFromNs === range.fromNs && minuteToNs === range.toNs
  return { range, minuteFromNs, minuteToNs, hourFromNs, hourToNs, source: whole ? 'rollup' : 'mixed' }
}

export type SignalsGrouping = 'service' | 'operation' | 'time'

export interface SignalsQueryOptions {
  tenantId: string
  plan: SignalsPlan
  groupBy: SignalsGrouping
  /** false when the plan was made with `hourly: false` (checked: such a plan has no hour tier) */
  hourly?: boolean | undefined
  service?: string | undefined
  operation?: string | undefined
  /** required when grouping by time */
  stepMs?: number | undefined
}

/** One row per group key; counts and sums as decimal strings (UInt64), maps bucket → count. */
export interface SignalsRow {
  /** service or operation name, or bucket start in unix ms (as a string) when grouping by time */
  key: string
  requests: string
  errors: string
  durationSumNs: string
  durationMaxNs: string
  latencyOk: Record<string, string>
  latencyError: Record<string, string>
}

const KEY_OF: Record<SignalsGrouping, string> = {
  service: 'ServiceName',
  operation: 'SpanName',
  time: 'TimeMs',
}

const rollupTime = (column: string, byTime: boolean) => (byTime ? `intDiv(toUnixTimestamp(${column}) * 1000, {stepMs:UInt64}) * {stepMs:UInt64}` : 'toUInt64(0)')

export function signalsQuery(options: SignalsQueryOptions): SqlQuery {
  const { plan, groupBy } = options
  if (groupBy === 'time' && options.stepMs === undefined) throw new Error('grouping by time needs stepMs')
  if (options.hourly === false && plan.hourFromNs < plan.hourToNs) throw new Error('the plan has an hour tier but the caller planned minutes only')
  const byTime = groupBy === 'time'
  const filters =
    (options.service !== undefined ? '\n          AND ServiceName = {service:String}' : '') +
    (options.operation !== undefined ? '\n          AND SpanName = {operation:String}' : '')
  const rawTime = byTime ? 'intDiv(toUInt64(toUnixTimestamp64Milli(Timestamp)), {stepMs:UInt64}) * {stepMs:UInt64}' : 'toUInt64(0)'
  const branches: string[] = []
  if (plan.hourFromNs < plan.hourToNs) {
    branches.push(`
    SELECT ServiceName, SpanName, ${rollupTime('Hour', byTime)} AS TimeMs,
           Requests, Errors, DurationSumNs, DurationMaxNs, LatencyOk, LatencyError
    FROM ${HOURLY_ROLLUP_TABLE}
    WHERE TenantId = {tenantId:String}
          AND Hour >= toDateTime({hourFromS:UInt32}, 'UTC') AND Hour < toDateTime({hourToS:UInt32}, 'UTC')${filters}`)
  }
  if (plan.minuteFromNs < plan.hourFromNs || plan.hourToNs < plan.minuteToNs) {
    branches.push(`
    SELECT ServiceName, SpanName, ${rollupTime('Minute', byTime)} AS TimeMs,
           Requests, Errors, DurationSumNs, DurationMaxNs, LatencyOk, LatencyError
    FROM golden_signals_1m
    WHERE TenantId = {tenantId:String}
          AND ((Minute >= toDateTime({minuteFromS:UInt32}, 'UTC') AND Minute < toDateTime({hourFromS:UInt32}, 'UTC'))
            OR (Minute >= toDateTime({hourToS:UInt32}, 'UTC') AND Minute < toDateTime({minuteToS:UInt32}, 'UTC')))${filters}`)
  }
  if (plan.range.fromNs < plan.minuteFromNs || plan.minuteToNs < plan.range.toNs) {
    branches.push(`
    SELECT ServiceName, SpanName, TimeMs,
           sum(Spans) AS Requests, sumIf(Spans, IsError) AS Errors, sum(DurationSum) AS DurationSumNs, max(DurationMax) AS DurationMaxNs,
           sumMapIf(map(Bucket, Spans), NOT IsError) AS LatencyOk, sumMapIf(map(Bucket, Spans), IsError) AS LatencyError
    FROM
    (
        SELECT ServiceName, SpanName, ${rawTime} AS TimeMs,
               StatusCode = 'STATUS_CODE_ERROR' AS IsError, ${latencyBucketSql('Duration')} AS Bucket,
               count() AS Spans, sum(Duration) AS DurationSum, max(Duration) AS DurationMax
        FROM otel_traces
        WHERE TenantId = {tenantId:String}
          AND SpanKind IN ('SPAN_KIND_SERVER', 'SPAN_KIND_CONSUMER')
          AND ((Timestamp >= fromUnixTimestamp64Nano({fromNs:Int64}, 'UTC') AND Timestamp < fromUnixTimestamp64Nano({minuteFromNs:Int64}, 'UTC'))
            OR (Timestamp >= fromUnixTimestamp64Nano({minuteToNs:Int64}, 'UTC') AND Timestamp < fromUnixTimestamp64Nano({toNs:Int64}, 'UTC')))${filters}
        GROUP BY ServiceName, SpanName, TimeMs, IsError, Bucket
    )
    GROUP BY ServiceName, SpanName, TimeMs`)
  }
  const sql = `SELECT
    toString(${KEY_OF[groupBy]}) AS key,
    sum(Requests) AS requests,
    sum(Errors) AS errors,
    sum(DurationSumNs) AS durationSumNs,
    max(DurationMaxNs) AS durationMaxNs,
    sumMap(LatencyOk) AS latencyOk,
    sumMap(LatencyError) AS latencyError
FROM
(${branches.join('\n    UNION ALL')}
)
GROUP BY key
ORDER BY key`
  const seconds = (ns: bigint) => Number(ns / 1_000_000_000n)
  const all: Record<string, unknown> = {
    tenantId: options.tenantId,
    fromNs: plan.range.fromNs.toString(),
    toNs: plan.range.toNs.toString(),
    minuteFromNs: plan.minuteFromNs.toString(),
    minuteToNs: plan.minuteToNs.toString(),
    minuteFromS: seconds(plan.minuteFromNs),
    minuteToS: seconds(plan.minuteToNs),
    hourFromS: seconds(plan.hourFromNs),
    hourToS: seconds(plan.hourToNs),
  }
  // only the parameters of the branches present
  const params = Object.fromEntries(Object.entries(all).filter(([name]) => sql.includes(`{${name}:`)))
  if (options.service !== undefined) params.service = options.service
  if (options.operation !== undefined) params.operation = options.operation
  if (byTime) params.stepMs = options.stepMs
  return { name: `signals.by_${groupBy}`, sql, params }
}
