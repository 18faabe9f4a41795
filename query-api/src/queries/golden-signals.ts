/**
 * Golden signals (RED) of entry spans, from the per-minute rollups, from raw spans, or from both.
 *
 * Plan (planSignals): a range [from, to) is split into whole minutes [rollupFrom, rollupTo)
 * read from golden_signals_1m, and the raw edges [from, rollupFrom) ∪ [rollupTo, to) read from
 * otel_traces. Rollups are used when
 *   - the range is at least `rollups.minRangeMs` wide (or `source=rollup` is asked for),
 *   - the series step, if any, is a whole number of minutes (buckets then hold whole minutes),
 *   - the range holds at least one whole minute;
 * otherwise rollupFrom = rollupTo = to and everything is raw. `source=raw` forces raw.
 *
 * The two parts give the same numbers because they aggregate the same way: counts and sums
 * add, max takes the max, and latency is a histogram bucket → count built with the store's
 * latency bucket expression (LATENCY_BUCKET_SQL) in both — the rollup's materialized view on
 * insert, this query on raw spans — and merged with sumMap. A span belongs to the minute
 * toStartOfMinute(Timestamp), so [rollupFrom, rollupTo) in minutes is exactly the same spans
 * as that range in Timestamp.
 *
 * The SQL text varies only by the fixed variant (grouping key, optional service/operation
 * filters); every value is a query parameter.
 */
import { latencyBucketSql } from '@periscope/store'
import type { SqlQuery } from '../sql/query-runner.ts'
import type { TimeRange } from '../time/time-range.ts'

export type SignalsSourceParam = 'auto' | 'raw' | 'rollup'

export interface SignalsPlan {
  readonly range: TimeRange
  /** minute-aligned; equal to rollupToNs when the rollups are not used */
  readonly rollupFromNs: bigint
  readonly rollupToNs: bigint
  readonly source: 'rollup' | 'raw' | 'mixed'
}

const MINUTE_NS = 60_000_000_000n
const MINUTE_MS = 60_000

export function planSignals(range: TimeRange, options: { minRangeMs: number; stepMs?: number | undefined; source?: SignalsSourceParam | undefined }): SignalsPlan {
  const source = options.source ?? 'auto'
  const raw: SignalsPlan = { range, rollupFromNs: range.toNs, rollupToNs: range.toNs, source: 'raw' }
  if (source === 'raw') return raw
  if (source === 'auto' && range.toNs - range.fromNs < BigInt(options.minRangeMs) * 1_000_000n) return raw
  if (options.stepMs !== undefined && options.stepMs % MINUTE_MS !== 0) return raw
  const rollupFromNs = ((range.fromNs + MINUTE_NS - 1n) / MINUTE_NS) * MINUTE_NS
  const rollupToNs = (range.toNs / MINUTE_NS) * MINUTE_NS
  if (rollupFromNs >= rollupToNs) return raw
  const whole = rollupFromNs === range.fromNs && rollupToNs === range.toNs
  return { range, rollupFromNs, rollupToNs, source: whole ? 'rollup' : 'mixed' }
}

export type SignalsGrouping = 'service' | 'operation' | 'time'

export interface SignalsQueryOptions {
  tenantId: string
  plan: SignalsPlan
  groupBy: SignalsGrouping
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

export function signalsQuery(options: SignalsQueryOptions): SqlQuery {
  const { plan, groupBy } = options
  if (groupBy === 'time' && options.stepMs === undefined) throw new Error('grouping by time needs stepMs')
  const byTime = groupBy === 'time'
  const filters =
    (options.service !== undefined ? '\n          AND ServiceName = {service:String}' : '') +
    (options.operation !== undefined ? '\n          AND SpanName = {operation:String}' : '')
  const rollupTime = byTime ? 'intDiv(toUnixTimestamp(Minute) * 1000, {stepMs:UInt64}) * {stepMs:UInt64}' : 'toUInt64(0)'
  const rawTime = byTime ? 'intDiv(toUInt64(toUnixTimestamp64Milli(Timestamp)), {stepMs:UInt64}) * {stepMs:UInt64}' : 'toUInt64(0)'
  const sql = `SELECT
    toString(${KEY_OF[groupBy]}) AS key,
    sum(Requests) AS requests,
    sum(Errors) AS errors,
    sum(DurationSumNs) AS durationSumNs,
    max(DurationMaxNs) AS durationMaxNs,
    sumMap(LatencyOk) AS latencyOk,
    sumMap(LatencyError) AS latencyError
FROM
(
    SELECT ServiceName, SpanName, ${rollupTime} AS TimeMs,
           Requests, Errors, DurationSumNs, DurationMaxNs, LatencyOk, LatencyError
    FROM golden_signals_1m
    WHERE TenantId = {tenantId:String}
          AND Minute >= toDateTime({rollupFromS:UInt32}, 'UTC') AND Minute < toDateTime({rollupToS:UInt32}, 'UTC')${filters}
    UNION ALL
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
          AND ((Timestamp >= fromUnixTimestamp64Nano({fromNs:Int64}, 'UTC') AND Timestamp < fromUnixTimestamp64Nano({rollupFromNs:Int64}, 'UTC'))
            OR (Timestamp >= fromUnixTimestamp64Nano({rollupToNs:Int64}, 'UTC') AND Timestamp < fromUnixTimestamp64Nano({toNs:Int64}, 'UTC')))${filters}
        GROUP BY ServiceName, SpanName, TimeMs, IsError, Bucket
    )
    GROUP BY ServiceName, SpanName, TimeMs
)
GROUP BY key
ORDER BY key`
  const params: Record<string, unknown> = {
    tenantId: options.tenantId,
    fromNs: plan.range.fromNs.toString(),
    toNs: plan.range.toNs.toString(),
    rollupFromNs: plan.rollupFromNs.toString(),
    rollupToNs: plan.rollupToNs.toString(),
    rollupFromS: Number(plan.rollupFromNs / 1_000_000_000n),
    rollupToS: Number(plan.rollupToNs / 1_000_000_000n),
  }
  if (options.service !== undefined) params.service = options.service
  if (options.operation !== undefined) params.operation = options.operation
  if (byTime) params.stepMs = options.stepMs
  return { name: `signals.by_${groupBy}`, sql, params }
}
