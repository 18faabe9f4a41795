/**
 * Golden signals: GET /services, /services/:name/signals, /services/:name/operations.
 * See queries/golden-signals.ts for where numbers come from (rollups and/or raw spans, the
 * same answer either way) and signals/red.ts for how they become RED numbers.
 */
import { queryContextOf } from '../http/query-context.ts'
import { shortCache } from '../http/cache-headers.ts'
import { planSignals, signalsQuery, type SignalsRow } from '../queries/golden-signals.ts'
import { resourceSeriesQuery, servingHostsQuery, type ResourceSeriesRow, type ServingHostRow } from '../queries/resources.ts'
import { PROBLEM_RESPONSES } from '../schemas/common.ts'
import {
  OperationsQuery,
  OperationsResponse,
  ServiceParams,
  ServicesQuery,
  ServicesResponse,
  SignalsQuery,
  SignalsResponse,
  type OperationSummary,
  type ResourceSeries,
  type SignalPoint,
} from '../schemas/services.ts'
import { EMPTY_LATENCY, redOf } from '../signals/red.ts'
import type { QueryContext } from '../sql/query-runner.ts'
import { bucketCoverageSeconds, bucketStartsMs, chooseStepMs } from '../time/step.ts'
import { rangeWidthMs, resolveTimeRange, type TimeRange } from '../time/time-range.ts'
import type { RouteContext, RouteModule } from './route-module.ts'

export const servicesRoutes: RouteModule = {
  name: 'services',
  register(api, ctx) {
    const { config, runner, clock } = ctx
    const hourly = ctx.schema.hourlyRollup

    api.get('/services', {
      schema: { tags: ['golden signals'], summary: 'RED of every service with entry spans in the range', querystring: ServicesQuery, response: { 200: ServicesResponse, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const range = resolveTimeRange(request.query, config.limits, clock.nowMs())
      const plan = planSignals(range, { minRangeMs: config.rollups.minRangeMs, source: request.query.source, hourly })
      const context = queryContextOf(request, reply)
      const rows = await runner.rows<SignalsRow>(signalsQuery({ tenantId: context.tenantId, plan, hourly, groupBy: 'service' }), context)
      const seconds = rangeWidthMs(range) / 1000
      shortCache(reply, config.cache.aggregateMaxAgeSeconds)
      return {
        source: plan.source,
        services: rows.map((row) => {
          const red = redOf(row)
          return { name: row.key, requests: red.requests, errors: red.errors, rps: red.requests / seconds, errorRate: red.errorRate, meanMs: red.meanMs, latencyMs: red.latencyMs, errorLatencyMs: red.errorLatencyMs }
        }),
      }
    })

    api.get('/services/:name/signals', {
      schema: { tags: ['golden signals'], summary: 'RED series of one service, with saturation and utilization of its hosts and pods', params: ServiceParams, querystring: SignalsQuery, response: { 200: SignalsResponse, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const range = resolveTimeRange(request.query, config.limits, clock.nowMs())
      const stepMs = chooseStepMs(range, request.query.step, config.limits.maxSeriesPoints)
      const plan = planSignals(range, { minRangeMs: config.rollups.minRangeMs, stepMs, source: request.query.source, hourly })
      const context = queryContextOf(request, reply)
      const service = request.params.name
      const [rows, resources] = await Promise.all([
        runner.rows<SignalsRow>(signalsQuery({ tenantId: context.tenantId, plan, hourly, groupBy: 'time', service, operation: request.query.operation, stepMs }), context),
        resourcesOf(ctx, context, service, range, stepMs),
      ])
      const byStart = new Map(rows.map((row) => [Number(row.key), row]))
      const points: SignalPoint[] = bucketStartsMs(range, stepMs).map((t) => {
        const row = byStart.get(t)
        const seconds = bucketCoverageSeconds(range, t, stepMs)
        if (!row) return { t, requests: 0, errors: 0, rps: 0, errorRate: 0, p50Ms: null, p90Ms: null, p95Ms: null, p99Ms: null, maxMs: null, errorLatencyMs: EMPTY_LATENCY }
        const red = redOf(row)
        return {
          t,
          requests: red.requests,
          errors: red.errors,
          rps: seconds > 0 ? red.requests / seconds : 0,
          errorRate: red.errorRate,
          p50Ms: red.latencyMs.p50,
          p90Ms: red.latencyMs.p90,
          p95Ms: red.latencyMs.p95,
          p99Ms: red.latencyMs.p99,
          maxMs: red.latencyMs.max,
          errorLatencyMs: red.errorLatencyMs,
        }
      })
      shortCache(reply, config.cache.aggregateMaxAgeSeconds)
      return { service, stepMs, source: plan.source, points, ...resources }
    })

    api.get('/services/:name/operations', {
      schema: { tags: ['golden signals'], summary: 'RED and impact of each operation of one service', params: ServiceParams, querystring: OperationsQuery, response: { 200: OperationsResponse, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const range = resolveTimeRange(request.query, config.limits, clock.nowMs())
      const plan = planSignals(range, { minRangeMs: config.rollups.minRangeMs, source: request.query.source, hourly })
      const context = queryContextOf(request, reply)
      const service = request.params.name
      const rows = await runner.rows<SignalsRow>(signalsQuery({ tenantId: context.tenantId, plan, hourly, groupBy: 'operation', service }), context)
      const seconds = rangeWidthMs(range) / 1000
      const reds = rows.map((row) => ({ name: row.key, red: redOf(row) }))
      const totalNs = reds.reduce((sum, { red }) => sum + red.durationSumNs, 0)
      const operations: OperationSummary[] = reds.map(({ name, red }) => ({
        name,
        requests: red.requests,
        errors: red.errors,
        rps: red.requests / seconds,
        errorRate: red.errorRate,
        meanMs: red.meanMs,
        p50Ms: red.latencyMs.p50,
        p90Ms: red.latencyMs.p90,
        p95Ms: red.latencyMs.p95,
        p99Ms: red.latencyMs.p99,
        maxMs: red.latencyMs.max,
        errorLatencyMs: red.errorLatencyMs,
        // mean × calls is the total time: exact from the sum, no rounding through the mean
        impact: red.durationSumNs / 1e6,
        impactShare: totalNs > 0 ? red.durationSumNs / totalNs : 0,
      }))
      operations.sort((a, b) => b.impact - a.impact || a.name.localeCompare(b.name))
      shortCache(reply, config.cache.aggregateMaxAgeSeconds)
      return { service, source: plan.source, operations }
    })
  },
}

async function resourcesOf(ctx: RouteContext, context: QueryContext, service: string, range: TimeRange, stepMs: number): Promise<{ saturation: ResourceSeries[]; utilization: ResourceSeries[]; hosts: string[]; pods: string[] }> {
  const { utilization, saturation, maxHosts } = ctx.config.resources
  const metrics = [...utilization, ...saturation]
  const served = await ctx.runner.rows<ServingHostRow>(servingHostsQuery(context.tenantId, service, range, maxHosts), context)
  const hosts = [...new Set(served.map((r) => r.host).filter((h) => h !== ''))].sort()
  const pods = [...new Set(served.map((r) => r.pod).filter((p) => p !== ''))].sort()
  if (metrics.length === 0) return { saturation: [], utilization: [], hosts, pods }
  const rows = await ctx.runner.rows<ResourceSeriesRow>(resourceSeriesQuery({ tenantId: context.tenantId, service, range, stepMs, metrics, hosts, pods }), context)
  const starts = bucketStartsMs(range, stepMs)
  const seriesOf = (metric: string): ResourceSeries | null => {
    const values = new Map(rows.filter((r) => r.metric === metric).map((r) => [Number(r.t), Number(r.value)]))
    if (values.size === 0) return null
    return { metric, points: starts.map((t) => ({ t, value: values.get(t) ?? null })) }
  }
  const present = (names: readonly string[]) => names.map(seriesOf).filter((s): s is ResourceSeries => s !== null)
  return { saturation: present(saturation), utilization: present(utilization), hosts, pods }
}
