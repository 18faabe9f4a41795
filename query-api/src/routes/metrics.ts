/**
 * Metrics: GET /metrics/names (what exists in the range) and GET /metrics/query (series of one
 * metric, aggregated per step and grouped by labels). The metric's kind is looked up unless
 * given; each kind allows the aggregations its data supports (see queries/metrics.ts).
 */
import type { FastifyRequest } from 'fastify'
import { BadRequest, NotFound } from '../errors.ts'
import { shortCache } from '../http/cache-headers.ts'
import { queryContextOf } from '../http/query-context.ts'
import {
  MAX_GROUP_BY,
  MAX_LABEL_FILTERS,
  counterIncreaseQuery,
  countSumQuery,
  histogramBucketsQuery,
  metricKindQuery,
  metricNamesQuery,
  metricValueQuery,
  type MetricKind,
  type MetricKindRow,
  type MetricNameRow,
  type MetricSeriesOptions,
  type MetricSeriesRow,
} from '../queries/metrics.ts'
import { PROBLEM_RESPONSES } from '../schemas/common.ts'
import { MetricNamesQuery, MetricNamesResponse, MetricQuery, MetricQueryResponse, type MetricSeries } from '../schemas/metrics.ts'
import { histogramQuantile } from '../signals/histogram-quantile.ts'
import { bucketCoverageSeconds, bucketStartsMs, chooseStepMs } from '../time/step.ts'
import { resolveTimeRange, type TimeRange } from '../time/time-range.ts'
import type { RouteModule } from './route-module.ts'

const LABEL_PREFIX = 'label.'
const KNOWN_QUERY_KEYS = new Set(Object.keys(MetricQuery.properties))
const PERCENTILE_OF: Record<string, number> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 }

const ALLOWED: Record<MetricKind | 'counter', readonly string[]> = {
  gauge: ['avg', 'sum', 'min', 'max'],
  sum: ['avg', 'sum', 'min', 'max'],
  counter: ['rate', 'sum', 'avg', 'min', 'max'],
  histogram: ['p95', 'p50', 'p90', 'p99', 'rate', 'avg'],
  exponential_histogram: ['avg', 'rate'],
  summary: ['avg', 'rate'],
}

export const metricsRoutes: RouteModule = {
  name: 'metrics',
  register(api, ctx) {
    const { config, runner, clock } = ctx

    api.get('/metrics/names', {
      schema: { tags: ['metrics'], summary: 'metric names with points in the range', querystring: MetricNamesQuery, response: { 200: MetricNamesResponse, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const range = resolveTimeRange(request.query, config.limits, clock.nowMs())
      const context = queryContextOf(request, reply)
      const rows = await runner.rows<MetricNameRow>(metricNamesQuery(context.tenantId, range, request.query.limit ?? 1000), context)
      shortCache(reply, config.cache.aggregateMaxAgeSeconds)
      return { metrics: rows.map((r) => ({ name: r.name, kind: r.kind, unit: r.unit, description: r.description, monotonic: Number(r.monotonic) === 1 })) }
    })

    api.get('/metrics/query', {
      schema: { tags: ['metrics'], summary: 'series of one metric, aggregated per step and grouped by labels', querystring: MetricQuery, response: { 200: MetricQueryResponse, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const query = request.query
      const range = resolveTimeRange(query, config.limits, clock.nowMs())
      const stepMs = chooseStepMs(range, query.step, config.limits.maxSeriesPoints)
      const groupBy = parseGroupBy(query.groupBy)
      const filters = labelFilters(request)
      const context = queryContextOf(request, reply)

      const [found] = await runner.rows<MetricKindRow>(metricKindQuery(context.tenantId, query.name, range), context)
      if (!found && !query.kind) throw new NotFound(`no metric ${JSON.stringify(query.name.slice(0, 128))} has points in the range`)
      const kind: MetricKind = query.kind ?? found!.kind
      const monotonic = kind === 'sum' && found !== undefined && found.kind === 'sum' && Number(found.monotonic) === 1
      const allowed = ALLOWED[monotonic ? 'counter' : kind]
      const aggregation = query.aggregation ?? allowed[0]!
      if (!allowed.includes(aggregation)) throw new BadRequest(`aggregation ${aggregation} does not apply to a ${monotonic ? 'counter' : kind.replace('_', ' ')}: use ${allowed.join(', ')}`)

      const options: MetricSeriesOptions = { tenantId: context.tenantId, name: query.name, kind, range, stepMs, groupBy, filters }
      const valueOf = await valuesFor(aggregation, options, range, stepMs, (q) => runner.rows<MetricSeriesRow>(q, context))
      const starts = bucketStartsMs(range, stepMs)
      const groups = new Map<string, { labels: Record<string, string>; values: Map<number, number | null> }>()
      for (const { row, value } of valueOf) {
        const labels = Object.fromEntries(groupBy.map((label, i) => [label, String(row[`G${i}`] ?? '')]))
        const key = JSON.stringify(groupBy.map((_, i) => row[`G${i}`] ?? ''))
        let group = groups.get(key)
        if (!group) groups.set(key, (group = { labels, values: new Map() }))
        if (!group.values.has(Number(row.bucket))) group.values.set(Number(row.bucket), value)
      }
      const keys = [...groups.keys()].sort()
      const series: MetricSeries[] = keys.slice(0, config.limits.maxSeries).map((key) => {
        const group = groups.get(key)!
        return { labels: group.labels, points: starts.map((t) => ({ t, value: group.values.get(t) ?? null })) }
      })
      const unit = found?.unit ?? ''
      shortCache(reply, config.cache.aggregateMaxAgeSeconds)
      return { name: query.name, kind, aggregation, unit: aggregation === 'rate' ? `${unit || '1'}/s` : unit, stepMs, series, truncated: keys.length > config.limits.maxSeries }
    })
  },
}

type Run = (query: ReturnType<typeof metricValueQuery>) => Promise<MetricSeriesRow[]>

async function valuesFor(aggregation: string, options: MetricSeriesOptions, range: TimeRange, stepMs: number, run: Run): Promise<Array<{ row: MetricSeriesRow; value: number | null }>> {
  const finite = (v: unknown): number | null => {
    const n = Number(v)
    return v === null || v === undefined || !Number.isFinite(n) ? null : n
  }
  const perSecond = (row: MetricSeriesRow, amount: unknown) => {
    const seconds = bucketCoverageSeconds(range, Number(row.bucket), stepMs)
    const n = finite(amount)
    return n === null || seconds <= 0 ? null : n / seconds
  }
  if (options.kind === 'gauge' || options.kind === 'sum') {
    if (aggregation === 'rate') return (await run(counterIncreaseQuery(options))).map((row) => ({ row, value: perSecond(row, row.increase) }))
    const rows = await run(metricValueQuery({ ...options, aggregation: aggregation as 'sum' | 'avg' | 'min' | 'max' }))
    return rows.map((row) => ({ row, value: finite(row.value) }))
  }
  const q = PERCENTILE_OF[aggregation]
  if (q !== undefined) {
    // rows come per (group, bucket, bounds), the most populated bounds first: use those
    return (await run(histogramBucketsQuery(options))).map((row) => ({
      row,
      value: histogramQuantile(q, (row.bounds ?? []).map(Number), (row.counts ?? []).map(Number)),
    }))
  }
  const rows = await run(countSumQuery(options))
  if (aggregation === 'rate') return rows.map((row) => ({ row, value: perSecond(row, row.count) }))
  return rows.map((row) => ({ row, value: Number(row.count) > 0 ? finite(Number(row.sum) / Number(row.count)) : null }))
}

function parseGroupBy(text: string | undefined): string[] {
  if (text === undefined) return []
  const labels = [...new Set(text.split(',').map((l) => l.trim()).filter((l) => l !== ''))]
  if (labels.length > MAX_GROUP_BY) throw new BadRequest(`groupBy names ${labels.length} labels; at most ${MAX_GROUP_BY}`)
  for (const label of labels) if (label.length > 256) throw new BadRequest('a groupBy label is longer than 256 characters')
  return labels
}

function labelFilters(request: FastifyRequest): Array<[string, string]> {
  const filters: Array<[string, string]> = []
  for (const [key, value] of Object.entries(request.query as Record<string, unknown>)) {
    if (KNOWN_QUERY_KEYS.has(key)) continue
    if (!key.startsWith(LABEL_PREFIX) || key.length === LABEL_PREFIX.length || key.length > 256 + LABEL_PREFIX.length) {
      throw new BadRequest(`unknown query parameter ${JSON.stringify(key.slice(0, 64))}; label filters are label.<key>=<value>`)
    }
    if (typeof value !== 'string' || value.length > 4096) throw new BadRequest(`${key.slice(0, 64)} must be given once, as text of at most 4096 characters`)
    filters.push([key.slice(LABEL_PREFIX.length), value])
  }
  if (filters.length > MAX_LABEL_FILTERS) throw new BadRequest(`at most ${MAX_LABEL_FILTERS} label.<key> filters`)
  return filters
}
