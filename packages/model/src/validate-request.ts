/**
 * validateX(request): the request without its bad items, plus one ItemRejection per dropped item
 * (path into the original request). The collector uses it to answer OTLP partial success and to
 * keep bad items off the bus; the row builders apply the same checks (validate.ts), so anything
 * that passes here becomes a row.
 */
import { attributesTooDeep, dataPointProblem, logRecordProblem, metricProblem, spanProblem, TOO_DEEP, type Problem } from './validate.ts'
import type { InstrumentationScope, LogsRequest, Metric, MetricsRequest, Resource, TracesRequest } from './otlp/types.ts'
import type { ItemRejection } from './result.ts'

export interface Validated<R> {
  request: R
  rejected: ItemRejection[]
}

function containerProblem(resource: Resource | null, scope: InstrumentationScope | null): Problem | null {
  if (resource !== null && attributesTooDeep(resource.attributes)) return { field: '', reason: `resource attributes: ${TOO_DEEP}` }
  if (scope !== null && attributesTooDeep(scope.attributes)) return { field: '', reason: `scope attributes: ${TOO_DEEP}` }
  return null
}

function join(path: string, field: string): string {
  return field === '' ? path : `${path}.${field}`
}

export function validateTraces(req: TracesRequest): Validated<TracesRequest> {
  const rejected: ItemRejection[] = []
  const resourceSpans = req.resourceSpans.map((rs, i) => ({
    ...rs,
    scopeSpans: rs.scopeSpans.map((ss, j) => {
      const whole = containerProblem(rs.resource, ss.scope)
      const spans = ss.spans.filter((s, k) => {
        const p = whole ?? spanProblem(s)
        if (p === null) return true
        rejected.push({ path: join(`resourceSpans[${i}].scopeSpans[${j}].spans[${k}]`, p.field), reason: p.reason })
        return false
      })
      return spans.length === ss.spans.length ? ss : { ...ss, spans }
    }),
  }))
  return { request: rejected.length === 0 ? req : { resourceSpans }, rejected }
}

export function validateLogs(req: LogsRequest): Validated<LogsRequest> {
  const rejected: ItemRejection[] = []
  const resourceLogs = req.resourceLogs.map((rl, i) => ({
    ...rl,
    scopeLogs: rl.scopeLogs.map((sl, j) => {
      const whole = containerProblem(rl.resource, sl.scope)
      const logRecords = sl.logRecords.filter((r, k) => {
        const p = whole ?? logRecordProblem(r)
        if (p === null) return true
        rejected.push({ path: join(`resourceLogs[${i}].scopeLogs[${j}].logRecords[${k}]`, p.field), reason: p.reason })
        return false
      })
      return logRecords.length === sl.logRecords.length ? sl : { ...sl, logRecords }
    }),
  }))
  return { request: rejected.length === 0 ? req : { resourceLogs }, rejected }
}

function validMetric(m: Metric, whole: Problem | null, path: string, rejected: ItemRejection[]): Metric {
  const d = m.data
  if (d.type === 'none') return m
  const metricWide = whole ?? metricProblem(m)
  const kept: unknown[] = []
  d.dataPoints.forEach((dp, l) => {
    const pointPath = `${path}.${d.type}.dataPoints[${l}]`
    if (metricWide !== null) {
      rejected.push({ path: metricWide.field === '' ? pointPath : join(path, metricWide.field), reason: metricWide.reason })
      return
    }
    const p = dataPointProblem(dp)
    if (p !== null) rejected.push({ path: join(pointPath, p.field), reason: p.reason })
    else kept.push(dp)
  })
  return kept.length === d.dataPoints.length ? m : { ...m, data: { ...d, dataPoints: kept } as Metric['data'] }
}

export function validateMetrics(req: MetricsRequest): Validated<MetricsRequest> {
  const rejected: ItemRejection[] = []
  const resourceMetrics = req.resourceMetrics.map((rm, i) => ({
    ...rm,
    scopeMetrics: rm.scopeMetrics.map((sm, j) => {
      const whole = containerProblem(rm.resource, sm.scope)
      const metrics = sm.metrics
        .map((m, k) => validMetric(m, whole, `resourceMetrics[${i}].scopeMetrics[${j}].metrics[${k}]`, rejected))
        .filter((m, k) => m.data.type === 'none' || m.data.dataPoints.length > 0 || metricOriginallyEmpty(sm.metrics[k]!))
      return { ...sm, metrics }
    }),
  }))
  return { request: rejected.length === 0 ? req : { resourceMetrics }, rejected }
}

function metricOriginallyEmpty(m: Metric): boolean {
  return m.data.type === 'none' || m.data.dataPoints.length === 0
}
