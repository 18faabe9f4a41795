/**
 * SQL of an SLI's good/bad request counts, from the per-minute rollups with raw spans at the
 * edges — exact at any window and any evaluation instant.
 *
 * An SLI selects the entry spans (SERVER/CONSUMER) of one service, optionally of one operation
 * (SpanName). Bad requests are:
 *   availability: StatusCode = STATUS_CODE_ERROR     (rollup: Errors)
 *   latency:      latency bucket > goodMaxBucket     (rollup: LatencyOk + LatencyError entries
 *                                                     with a bucket above it; latency-threshold.ts)
 *
 * windowsQuery: every window i is [to − wᵢ, to) with wᵢ a whole number of minutes, so all window
 * starts share `to`'s offset inside its minute. Window i is
 *   rollup minutes   [ceilMin(to − wᵢ), floorMin(to))      (Src 0, T = minute start)
 *   raw lead edge    [to − wᵢ, ceilMin(to − wᵢ))            (Src 1, this window's own edge)
 *   raw tail edge    [floorMin(to), to)                     (Src 2, shared by every window)
 * A lead edge's spans lie inside a whole minute of every longer window, which counts them from
 * the rollups; hence `Src = 1 AND T ≥ fromᵢ AND T < ceilᵢ` rather than `T ≥ fromᵢ`. With `to`
 * on a minute boundary every edge is empty and only rollups are read.
 *
 * Windows of a day or more start at the first whole minute after to − w (windowStartNs): the
 * raw spans of their first partial minute would be as old as the window, and spans are kept for
 * fewer days (ttl.tracesDays, 7 by default) than the rollups; leaving out under a minute of a
 * day or more changes no answer visibly and keeps long windows independent of span retention.
 *
 * seriesQuery: buckets of `stepMs` over [from, to) for a burn-down, rollup minutes bucketed by
 * their start, raw spans at both edges by their timestamp — the same requests as windowsQuery's
 * window [from, to), so the last burn-down point matches the status.
 */
import { latencyBucketSql } from '@periscope/store'
import type { SqlQuery } from '../sql/query-runner.ts'

export interface SliSelector {
  readonly tenantId: string
  readonly service: string
  /** '' = every operation of the service */
  readonly operation: string
  readonly kind: 'availability' | 'latency'
  /** latency SLIs: the largest good bucket (−1: every request is bad) */
  readonly goodMaxBucket: number
}

const MINUTE_NS = 60_000_000_000n
const NS_PER_MS = 1_000_000n

export const ceilMinuteNs = (ns: bigint): bigint => ((ns + MINUTE_NS - 1n) / MINUTE_NS) * MINUTE_NS
export const floorMinuteNs = (ns: bigint): bigint => (ns / MINUTE_NS) * MINUTE_NS

const DAY_MS = 86_400_000

/** Where a window of `windowMs` ending at toNs starts: to − w, or the next whole minute for a day or more. */
export function windowStartNs(toNs: bigint, windowMs: number): bigint {
  const fromNs = toNs - BigInt(windowMs) * NS_PER_MS
  return windowMs >= DAY_MS ? ceilMinuteNs(fromNs) : fromNs
}

function filters(selector: SliSelector): string {
  return `TenantId = {tenantId:String} AND ServiceName = {service:String}${selector.operation !== '' ? ' AND SpanName = {operation:String}' : ''}`
}

function rollupBad(selector: SliSelector): string {
  if (selector.kind === 'availability') return 'sum(Errors)'
  const slow = (column: string) => `arraySum(mapValues(mapFilter((k, v) -> k > {goodMaxBucket:Int32}, ${column})))`
  return `sum(${slow('LatencyOk')} + ${slow('LatencyError')})`
}

function rawBad(selector: SliSelector): string {
  return selector.kind === 'availability' ? "StatusCode = 'STATUS_CODE_ERROR'" : `${latencyBucketSql('Duration')} > {goodMaxBucket:Int32}`
}

function baseParams(selector: SliSelector): Record<string, unknown> {
  const params: Record<string, unknown> = { tenantId: selector.tenantId, service: selector.service }
  if (selector.operation !== '') params.operation = selector.operation
  if (selector.kind === 'latency') params.goodMaxBucket = selector.goodMaxBucket
  return params
}

const ENTRY_SPANS = "SpanKind IN ('SPAN_KIND_SERVER', 'SPAN_KIND_CONSUMER')"
const ts = (name: string) => `fromUnixTimestamp64Nano({${name}:Int64}, 'UTC')`

/** One row: total0, bad0, total1, bad1, … (UInt64 as decimal strings) for windowsMs in order. */
export function windowsQuery(selector: SliSelector, toNs: bigint, windowsMs: readonly number[]): SqlQuery {
  if (windowsMs.length === 0) throw new Error('windowsQuery needs at least one window')
  const params = baseParams(selector)
  const tailNs = floorMinuteNs(toNs)
  const longestMs = Math.max(...windowsMs)
  params.toNs = toNs.toString()
  params.tailNs = tailNs.toString()
  params.rollupFromS = Number(ceilMinuteNs(windowStartNs(toNs, longestMs)) / 1_000_000_000n)
  params.rollupToS = Number(tailNs / 1_000_000_000n)
  const columns: string[] = []
  const leadEdges: string[] = []
  windowsMs.forEach((ms, i) => {
    if (!(ms > 0 && ms % 60_000 === 0)) throw new Error(`a window is a positive whole number of minutes, got ${ms} ms`)
    const fromNs = windowStartNs(toNs, ms)
    params[`from${i}`] = fromNs.toString()
    params[`ceil${i}`] = ceilMinuteNs(fromNs).toString()
    const inWindow = `(Src = 0 AND T >= {ceil${i}:Int64}) OR (Src = 1 AND T >= {from${i}:Int64} AND T < {ceil${i}:Int64}) OR Src = 2`
    columns.push(`sumIf(Total, ${inWindow}) AS total${i}`, `sumIf(Bad, ${inWindow}) AS bad${i}`)
    leadEdges.push(`(Timestamp >= ${ts(`from${i}`)} AND Timestamp < ${ts(`ceil${i}`)})`)
  })
  const sql = `SELECT
    ${columns.join(',\n    ')}
FROM
(
    SELECT 0 AS Src, toInt64(toUnixTimestamp(Minute)) * 1000000000 AS T, sum(Requests) AS Total, ${rollupBad(selector)} AS Bad
    FROM golden_signals_1m
    WHERE ${filters(selector)}
      AND Minute >= toDateTime({rollupFromS:UInt32}, 'UTC') AND Minute < toDateTime({rollupToS:UInt32}, 'UTC')
    GROUP BY T
    UNION ALL
    SELECT if(Timestamp >= ${ts('tailNs')}, 2, 1) AS Src, toInt64(toUnixTimestamp64Nano(Timestamp)) AS T,
           toUInt64(1) AS Total, toUInt64(${rawBad(selector)}) AS Bad
    FROM otel_traces
    WHERE ${filters(selector)} AND ${ENTRY_SPANS}
      AND (${leadEdges.join('\n        OR ')}
        OR (Timestamp >= ${ts('tailNs')} AND Timestamp < ${ts('toNs')}))
)`
  return { name: 'slo.windows', sql, params }
}

/** Rows {bucket, total, bad}: bucket k covers [from + k·step, from + (k+1)·step). */
export function seriesQuery(selector: SliSelector, fromNs: bigint, toNs: bigint, stepMs: number): SqlQuery {
  const params = baseParams(selector)
  let rollupFromNs = ceilMinuteNs(fromNs)
  let rollupToNs = floorMinuteNs(toNs)
  // no whole minute inside: everything is the raw lead edge [from, to), the tail is empty
  if (rollupFromNs >= rollupToNs) rollupFromNs = rollupToNs = toNs
  Object.assign(params, {
    fromNs: fromNs.toString(),
    toNs: toNs.toString(),
    rollupFromNs: rollupFromNs.toString(),
    rollupToNs: rollupToNs.toString(),
    rollupFromS: Number(rollupFromNs / 1_000_000_000n),
    rollupToS: Number(rollupToNs / 1_000_000_000n),
    stepNs: (BigInt(stepMs) * NS_PER_MS).toString(),
  })
  const sql = `SELECT intDiv(T - {fromNs:Int64}, {stepNs:Int64}) AS bucket, sum(Total) AS total, sum(Bad) AS bad
FROM
(
    SELECT toInt64(toUnixTimestamp(Minute)) * 1000000000 AS T, sum(Requests) AS Total, ${rollupBad(selector)} AS Bad
    FROM golden_signals_1m
    WHERE ${filters(selector)}
      AND Minute >= toDateTime({rollupFromS:UInt32}, 'UTC') AND Minute < toDateTime({rollupToS:UInt32}, 'UTC')
    GROUP BY T
    UNION ALL
    SELECT toInt64(toUnixTimestamp64Nano(Timestamp)) AS T, toUInt64(1) AS Total, toUInt64(${rawBad(selector)}) AS Bad
    FROM otel_traces
    WHERE ${filters(selector)} AND ${ENTRY_SPANS}
      AND ((Timestamp >= ${ts('fromNs')} AND Timestamp < ${ts('rollupFromNs')})
        OR (Timestamp >= ${ts('rollupToNs')} AND Timestamp < ${ts('toNs')}))
)
GROUP BY bucket
ORDER BY bucket`
  return { name: 'slo.series', sql, params }
}

export interface WindowCounts {
  readonly total: number
  readonly bad: number
}

/** The windows of a windowsQuery row, in the order asked. */
export function countsOf(row: Record<string, string | number> | undefined, windows: number): WindowCounts[] {
  return Array.from({ length: windows }, (_, i) => ({ total: Number(row?.[`total${i}`] ?? 0), bad: Number(row?.[`bad${i}`] ?? 0) }))
}
