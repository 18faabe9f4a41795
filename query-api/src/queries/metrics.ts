/**
 * SQL for metrics: names, the kind of one metric, and series.
 *
 * A label (in groupBy and in label filters) is looked up in the point's attributes, then in its
 * resource's attributes; `service.name` is the ServiceName column. A series is one (service,
 * attributes, resource attributes) combination. Series are cut into epoch-aligned step buckets
 * T = ⌊unix ms / step⌋ · step and combined per group:
 *
 *   gauge / non-monotonic sum   sum: per series the last value in the bucket, summed over series
 *                               avg, min, max: over all points of the group in the bucket
 *   monotonic sum (counter)     rate: increase per series between consecutive points
 *                               (cumulative: difference, a drop or a new start time is a reset
 *                               and counts the new value; delta: the value itself), summed over
 *                               series, per second of the bucket (divided in TS); plus
 *                               sum/avg/min/max of the value as for gauges
 *   histogram                   p50/p90/p95/p99: bucket counts' increases summed over series,
 *                               the percentile interpolated in TS (histogram-quantile.ts);
 *                               rate: observations per second; avg: Σsum / Σcount
 *   exponential histogram,      rate and avg from Count and Sum, as for histograms
 *   summary
 * Temporal differences need the point before the range, so points from one step before `from`
 * are read and only buckets starting in the range are kept (a series' first point then
 * contributes nothing to increases).
 *
 * The text varies only by the fixed variant (kind, aggregation, how many group-by and filter
 * labels); label names and values, the metric name and all numbers are parameters.
 */
import type { SqlQuery } from '../sql/query-runner.ts'
import type { TimeRange } from '../time/time-range.ts'

export const METRIC_TABLES = {
  gauge: 'otel_metrics_gauge',
  sum: 'otel_metrics_sum',
  histogram: 'otel_metrics_histogram',
  exponential_histogram: 'otel_metrics_exponential_histogram',
  summary: 'otel_metrics_summary',
} as const

export type MetricKind = keyof typeof METRIC_TABLES

export const MAX_GROUP_BY = 5
export const MAX_LABEL_FILTERS = 8

export interface MetricNameRow {
  name: string
  kind: MetricKind
  unit: string
  description: string
  monotonic: number | boolean
}

const RANGE = "TimeUnix >= fromUnixTimestamp64Nano({fromNs:Int64}, 'UTC') AND TimeUnix < fromUnixTimestamp64Nano({toNs:Int64}, 'UTC')"

export function metricNamesQuery(tenantId: string, range: TimeRange, limit: number): SqlQuery {
  const part = (kind: MetricKind, monotonic: string) => `    SELECT MetricName, '${kind}' AS Kind, MetricUnit, MetricDescription, ${monotonic} AS Monotonic
    FROM ${METRIC_TABLES[kind]}
    WHERE TenantId = {tenantId:String} AND ${RANGE}`
  return {
    name: 'metrics.names',
    sql: `SELECT MetricName AS name, Kind AS kind, any(MetricUnit) AS unit, any(MetricDescription) AS description, max(Monotonic) AS monotonic
FROM
(
${(Object.keys(METRIC_TABLES) as MetricKind[]).map((kind) => part(kind, kind === 'sum' ? 'toUInt8(IsMonotonic)' : 'toUInt8(0)')).join('\n    UNION ALL\n')}
)
GROUP BY MetricName, Kind
ORDER BY name, kind
LIMIT {limit:UInt32}`,
    params: { tenantId, fromNs: range.fromNs.toString(), toNs: range.toNs.toString(), limit },
  }
}

export interface MetricKindRow {
  kind: MetricKind
  monotonic: number | boolean
  unit: string
}

export function metricKindQuery(tenantId: string, name: string, range: TimeRange): SqlQuery {
  const part = (kind: MetricKind) => `    SELECT '${kind}' AS Kind, ${kind === 'sum' ? 'toUInt8(IsMonotonic)' : 'toUInt8(0)'} AS Monotonic, MetricUnit
    FROM ${METRIC_TABLES[kind]}
    WHERE TenantId = {tenantId:String} AND MetricName = {name:String} AND ${RANGE}
    LIMIT 1`
  return {
    name: 'metrics.kind',
    sql: `SELECT Kind AS kind, Monotonic AS monotonic, MetricUnit AS unit
FROM
(
${(Object.keys(METRIC_TABLES) as MetricKind[]).map(part).join('\n    UNION ALL\n')}
)`,
    params: { tenantId, name, fromNs: range.fromNs.toString(), toNs: range.toNs.toString() },
  }
}

export type ValueAggregation = 'sum' | 'avg' | 'min' | 'max'
export type MetricAggregation = ValueAggregation | 'rate' | 'p50' | 'p90' | 'p95' | 'p99'

export interface MetricSeriesOptions {
  tenantId: string
  name: string
  kind: MetricKind
  range: TimeRange
  stepMs: number
  groupBy: readonly string[]
  filters: ReadonlyArray<readonly [string, string]>
}

/** A label's value: attribute, else resource attribute; service.name is the column. */
function labelExpr(param: string): string {
  return `if({${param}:String} = 'service.name', toString(ServiceName), if(mapContains(Attributes, {${param}:String}), Attributes[{${param}:String}], ResourceAttributes[{${param}:String}]))`
}

interface Shape {
  params: Record<string, unknown>
  groupSelect: string
  groupNames: string
  filters: string
}

function shapeOf(options: MetricSeriesOptions): Shape {
  if (options.groupBy.length > MAX_GROUP_BY) throw new Error(`at most ${MAX_GROUP_BY} group-by labels`)
  if (options.filters.length > MAX_LABEL_FILTERS) throw new Error(`at most ${MAX_LABEL_FILTERS} label filters`)
  const stepNs = BigInt(options.stepMs) * 1_000_000n
  const params: Record<string, unknown> = {
    tenantId: options.tenantId,
    name: options.name,
    // one step of look-back: the point before the first bucket, for differences
    readFromNs: (options.range.fromNs - stepNs).toString(),
    firstBucketMs: Number(((options.range.fromNs / stepNs) * stepNs) / 1_000_000n),
    toNs: options.range.toNs.toString(),
    stepMs: options.stepMs,
  }
  const groupSelect = options.groupBy.map((label, i) => {
    params[`groupLabel${i}`] = label
    return `${labelExpr(`groupLabel${i}`)} AS G${i}`
  })
  const filters = options.filters.map(([label, value], i) => {
    params[`filterLabel${i}`] = label
    params[`filterValue${i}`] = value
    return `\n          AND ${labelExpr(`filterLabel${i}`)} = {filterValue${i}:String}`
  })
  return {
    params,
    groupSelect: groupSelect.map((g) => `${g}, `).join(''),
    groupNames: options.groupBy.map((_, i) => `G${i}, `).join(''),
    filters: filters.join(''),
  }
}

/** Rows: group labels G0…, bucket start (ms, string), and the variant's value columns. */
export interface MetricSeriesRow {
  bucket: string
  [group: `G${number}`]: string
  value?: number | string | null
  increase?: number | string | null
  count?: number | string
  sum?: number | string
  bounds?: number[]
  counts?: Array<string | number>
}

const SOURCE_WHERE = `WHERE TenantId = {tenantId:String}
          AND MetricName = {name:String}
          AND TimeUnix >= fromUnixTimestamp64Nano({readFromNs:Int64}, 'UTC') AND TimeUnix < fromUnixTimestamp64Nano({toNs:Int64}, 'UTC')`
const BUCKET = 'intDiv(toUInt64(toUnixTimestamp64Milli(TimeUnix)), {stepMs:UInt64}) * {stepMs:UInt64}'
const SERIES = 'cityHash64(ServiceName, Attributes, ResourceAttributes)'

/** sum/avg/min/max of gauge (or sum) values. */
export function metricValueQuery(options: MetricSeriesOptions & { aggregation: ValueAggregation }): SqlQuery {
  if (options.kind !== 'gauge' && options.kind !== 'sum') throw new Error('value aggregations read gauges and sums')
  const s = shapeOf(options)
  const table = METRIC_TABLES[options.kind]
  // sum adds each series' latest value; the others aggregate every point of the group
  const inner = options.aggregation === 'sum' ? 'argMax(Value, TimeUnix)' : `${options.aggregation}(Value)`
  const outer = options.aggregation === 'sum' ? 'sum(V)' : options.aggregation === 'avg' ? 'sum(VSum) / sum(VCount)' : `${options.aggregation}(V)`
  const innerExtra = options.aggregation === 'avg' ? ', sum(Value) AS VSum, count() AS VCount' : ''
  return {
    name: `metrics.${options.kind}_${options.aggregation}`,
    sql: `SELECT ${s.groupNames}toString(T) AS bucket, ${outer} AS value
FROM
(
    SELECT ${s.groupSelect}${BUCKET} AS T, ${inner} AS V${innerExtra}
    FROM ${table}
    ${SOURCE_WHERE}${s.filters}
      AND isFinite(Value)
    GROUP BY ${s.groupNames}T, ${SERIES}
)
WHERE T >= {firstBucketMs:UInt64}
GROUP BY ${s.groupNames}T
ORDER BY ${s.groupNames}T`,
    params: s.params,
  }
}

/** Increase of a counter per bucket (the route divides by the bucket's seconds for a rate). */
export function counterIncreaseQuery(options: MetricSeriesOptions): SqlQuery {
  const s = shapeOf(options)
  return {
    name: 'metrics.sum_rate',
    sql: `SELECT ${s.groupNames}toString(T) AS bucket, sum(Delta) AS increase
FROM
(
    SELECT ${s.groupNames}${BUCKET} AS T,
           if(AggregationTemporality = 1, Value,
              if(PrevTimeNs = 0, 0,
                 if(Value < PrevValue OR StartTimeUnix != PrevStart, Value, Value - PrevValue))) AS Delta
    FROM
    (
        SELECT ${s.groupSelect}TimeUnix, StartTimeUnix, Value, AggregationTemporality,
               lagInFrame(toUnixTimestamp64Nano(TimeUnix)) OVER w AS PrevTimeNs,
               lagInFrame(Value) OVER w AS PrevValue,
               lagInFrame(StartTimeUnix) OVER w AS PrevStart
        FROM otel_metrics_sum
        ${SOURCE_WHERE}${s.filters}
          AND isFinite(Value)
        WINDOW w AS (PARTITION BY ${SERIES} ORDER BY TimeUnix ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
    )
)
WHERE T >= {firstBucketMs:UInt64}
GROUP BY ${s.groupNames}T
ORDER BY ${s.groupNames}T`,
    params: s.params,
  }
}

/** Count and sum increases per bucket of histograms, exponential histograms or summaries. */
export function countSumQuery(options: MetricSeriesOptions): SqlQuery {
  if (options.kind !== 'histogram' && options.kind !== 'exponential_histogram' && options.kind !== 'summary') throw new Error('count/sum series read histograms and summaries')
  const s = shapeOf(options)
  // summaries carry no temporality: they are cumulative
  const temporality = options.kind === 'summary' ? 'toInt8(2)' : 'AggregationTemporality'
  return {
    name: `metrics.${options.kind}_count_sum`,
    sql: `SELECT ${s.groupNames}toString(T) AS bucket, sum(DeltaCount) AS count, sum(DeltaSum) AS sum
FROM
(
    SELECT ${s.groupNames}${BUCKET} AS T,
           toInt64(if(Temporality = 1, toInt64(Count), if(PrevTimeNs = 0, 0, if(Count < PrevCount OR StartTimeUnix != PrevStart, toInt64(Count), toInt64(Count) - toInt64(PrevCount))))) AS DeltaCount,
           toFloat64(if(Temporality = 1, Sum, if(PrevTimeNs = 0, 0, if(Count < PrevCount OR StartTimeUnix != PrevStart, Sum, Sum - PrevSum)))) AS DeltaSum
    FROM
    (
        SELECT ${s.groupSelect}TimeUnix, StartTimeUnix, Count, Sum, ${temporality} AS Temporality,
               lagInFrame(toUnixTimestamp64Nano(TimeUnix)) OVER w AS PrevTimeNs,
               lagInFrame(Count) OVER w AS PrevCount,
               lagInFrame(Sum) OVER w AS PrevSum,
               lagInFrame(StartTimeUnix) OVER w AS PrevStart
        FROM ${METRIC_TABLES[options.kind]}
        ${SOURCE_WHERE}${s.filters}
        WINDOW w AS (PARTITION BY ${SERIES} ORDER BY TimeUnix ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
    )
)
WHERE T >= {firstBucketMs:UInt64}
GROUP BY ${s.groupNames}T
ORDER BY ${s.groupNames}T`,
    params: s.params,
  }
}

/** Bucket-count increases per bucket of explicit-bounds histograms, per set of bounds. */
export function histogramBucketsQuery(options: MetricSeriesOptions): SqlQuery {
  if (options.kind !== 'histogram') throw new Error('bucket series read explicit-bounds histograms')
  const s = shapeOf(options)
  return {
    name: 'metrics.histogram_buckets',
    sql: `SELECT ${s.groupNames}toString(T) AS bucket, Bounds AS bounds, sumForEach(DeltaCounts) AS counts, sum(DeltaCount) AS count
FROM
(
    SELECT ${s.groupNames}${BUCKET} AS T, ExplicitBounds AS Bounds,
           CAST(if(AggregationTemporality = 1, BucketCounts,
              if(PrevTimeNs = 0, arrayMap(x -> toUInt64(0), BucketCounts),
                 if(Count < PrevCount OR StartTimeUnix != PrevStart OR length(PrevCounts) != length(BucketCounts), BucketCounts,
                    arrayMap((a, b) -> toUInt64(greatest(toInt64(a) - toInt64(b), 0)), BucketCounts, PrevCounts)))), 'Array(UInt64)') AS DeltaCounts,
           toInt64(if(AggregationTemporality = 1, toInt64(Count),
              if(PrevTimeNs = 0, 0, if(Count < PrevCount OR StartTimeUnix != PrevStart, toInt64(Count), toInt64(Count) - toInt64(PrevCount))))) AS DeltaCount
    FROM
    (
        SELECT ${s.groupSelect}TimeUnix, StartTimeUnix, Count, BucketCounts, ExplicitBounds, AggregationTemporality,
               lagInFrame(toUnixTimestamp64Nano(TimeUnix)) OVER w AS PrevTimeNs,
               lagInFrame(Count) OVER w AS PrevCount,
               lagInFrame(BucketCounts) OVER w AS PrevCounts,
               lagInFrame(StartTimeUnix) OVER w AS PrevStart
        FROM otel_metrics_histogram
        ${SOURCE_WHERE}${s.filters}
        WINDOW w AS (PARTITION BY ${SERIES}, cityHash64(ExplicitBounds) ORDER BY TimeUnix ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
    )
)
WHERE T >= {firstBucketMs:UInt64}
GROUP BY ${s.groupNames}T, Bounds
ORDER BY ${s.groupNames}T, count DESC`,
    params: s.params,
  }
}
