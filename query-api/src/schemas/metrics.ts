/** Metrics: GET /metrics/names and GET /metrics/query (see queries/metrics.ts for semantics). */
import { Type, type Static } from 'typebox'
import { Nullable, TimeRangeQuery } from './common.ts'

export const MetricKindSchema = Type.Union([
  Type.Literal('gauge'),
  Type.Literal('sum'),
  Type.Literal('histogram'),
  Type.Literal('exponential_histogram'),
  Type.Literal('summary'),
])

export const MetricNamesQuery = Type.Object({ ...TimeRangeQuery, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) }, { additionalProperties: false })
export type MetricNamesQuery = Static<typeof MetricNamesQuery>

export const MetricInfo = Type.Object({
  name: Type.String(),
  kind: MetricKindSchema,
  unit: Type.String(),
  description: Type.String(),
  monotonic: Type.Boolean({ description: 'a counter (monotonic sum)' }),
})
export type MetricInfo = Static<typeof MetricInfo>

export const MetricNamesResponse = Type.Object({ metrics: Type.Array(MetricInfo) })
export type MetricNamesResponse = Static<typeof MetricNamesResponse>

export const AGGREGATIONS = ['sum', 'avg', 'min', 'max', 'rate', 'p50', 'p90', 'p95', 'p99'] as const

export const MetricQuery = Type.Object(
  {
    ...TimeRangeQuery,
    name: Type.String({ minLength: 1, maxLength: 512 }),
    aggregation: Type.Optional(
      Type.Enum(AGGREGATIONS, {
        description:
          'gauges: sum (of each series’ last value), avg, min, max (default avg); counters: rate (default), sum, avg, min, max; ' +
          'histograms: p50, p90, p95, p99 (default p95), rate (observations/s), avg; exponential histograms and summaries: rate, avg (default avg)',
      }),
    ),
    groupBy: Type.Optional(Type.String({ maxLength: 1024, description: 'comma-separated labels (point or resource attributes, service.name), at most 5' })),
    step: Type.Optional(Type.String({ maxLength: 32 })),
    kind: Type.Optional(MetricKindSchema),
  },
  { description: 'Besides these, `label.<key>=<value>` (up to 8) keeps only points with that label value.' },
)
export type MetricQuery = Static<typeof MetricQuery>

export const MetricPoint = Type.Object({ t: Type.Number({ description: 'bucket start, unix ms' }), value: Nullable(Type.Number()) })

export const MetricSeries = Type.Object({
  labels: Type.Record(Type.String(), Type.String()),
  points: Type.Array(MetricPoint),
})
export type MetricSeries = Static<typeof MetricSeries>

export const MetricQueryResponse = Type.Object({
  name: Type.String(),
  kind: MetricKindSchema,
  aggregation: Type.String(),
  unit: Type.String({ description: "the metric's unit; per second for rates" }),
  stepMs: Type.Integer(),
  series: Type.Array(MetricSeries),
  truncated: Type.Boolean({ description: 'more groups than limits.maxSeries; the first (by labels) are returned' }),
})
export type MetricQueryResponse = Static<typeof MetricQueryResponse>
