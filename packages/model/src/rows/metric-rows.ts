/**
 * MetricsRequest -> one row per data point, in the table of its metric kind (see rows.ts).
 * Number values become doubles (an int beyond 2^53 loses precision, as in the exporter schema); a
 * point without a value (flags NO_RECORDED_VALUE) is written with Value 0 and its Flags; an absent
 * histogram sum is 0 and absent min/max are null; unknown temporality values read as 0.
 */
import type { KeyValue, Metric, MetricsRequest, NumberValue } from '../otlp/types.ts'
import type { ItemRejection } from '../result.ts'
import type { AggregationTemporality, Attributes, MetricRows } from '../rows.ts'
import { dataPointProblem, metricProblem, TOO_DEEP } from '../validate.ts'
import { flattenAttributes } from './any-value.ts'
import { resourceCols, scopeCols, type ResourceCols, type ScopeCols } from './resource-columns.ts'

function numberOf(v: NumberValue | null): number {
  if (v === null) return 0
  return v.type === 'double' ? v.value : Number(v.value)
}

function temporality(t: number): AggregationTemporality {
  return t === 1 || t === 2 ? t : 0
}

interface PointBase {
  attributes: KeyValue[]
  startTimeUnixNano: bigint
  timeUnixNano: bigint
  flags: number
}

function metricCols(rc: ResourceCols, sc: ScopeCols, m: Metric, p: PointBase, attrs: Attributes) {
  return {
    TenantId: rc.TenantId,
    ServiceName: rc.ServiceName,
    ResourceAttributes: rc.ResourceAttributes,
    ResourceSchemaUrl: rc.ResourceSchemaUrl,
    ScopeName: sc.ScopeName,
    ScopeVersion: sc.ScopeVersion,
    ScopeAttributes: sc.ScopeAttributes,
    MetricName: m.name,
    MetricDescription: m.description,
    MetricUnit: m.unit,
    Attributes: attrs,
    StartTimeUnix: p.startTimeUnixNano,
    TimeUnix: p.timeUnixNano,
    Flags: p.flags,
  }
}

export function metricRows(req: MetricsRequest, tenantId: string): { rows: MetricRows; rejected: ItemRejection[] } {
  const rows: MetricRows = { gauge: [], sum: [], histogram: [], exponentialHistogram: [], summary: [] }
  const rejected: ItemRejection[] = []
  const rms = req.resourceMetrics
  for (let i = 0; i < rms.length; i++) {
    const rm = rms[i]!
    const rc = resourceCols(tenantId, rm.resource, rm.schemaUrl)
    for (let j = 0; j < rm.scopeMetrics.length; j++) {
      const sm = rm.scopeMetrics[j]!
      const sc = rc === null ? null : scopeCols(sm.scope)
      for (let k = 0; k < sm.metrics.length; k++) {
        const m = sm.metrics[k]!
        const d = m.data
        if (d.type === 'none') continue
        // built once per metric; point paths only when a point is rejected
        const metricPath = `resourceMetrics[${i}].scopeMetrics[${j}].metrics[${k}]`
        const whole = rc === null || sc === null ? { field: '', reason: `${rc === null ? 'resource' : 'scope'} attributes: ${TOO_DEEP}` } : metricProblem(m)
        const points: PointBase[] = d.dataPoints
        for (let l = 0; l < points.length; l++) {
          const p = points[l]!
          if (whole !== null) {
            rejected.push({ path: whole.field === '' ? `${metricPath}.${d.type}.dataPoints[${l}]` : `${metricPath}.${whole.field}`, reason: whole.reason })
            continue
          }
          const problem = dataPointProblem(p)
          if (problem !== null) {
            rejected.push({ path: `${metricPath}.${d.type}.dataPoints[${l}].${problem.field}`, reason: problem.reason })
            continue
          }
          const attrs = flattenAttributes(p.attributes)!
          switch (d.type) {
            case 'gauge': {
              const dp = d.dataPoints[l]!
              rows.gauge.push({ ...metricCols(rc!, sc!, m, p, attrs), Value: numberOf(dp.value) })
              break
            }
            case 'sum': {
              const dp = d.dataPoints[l]!
              rows.sum.push({
                ...metricCols(rc!, sc!, m, p, attrs),
                Value: numberOf(dp.value),
                AggregationTemporality: temporality(d.aggregationTemporality),
                IsMonotonic: d.isMonotonic,
              })
              break
            }
            case 'histogram': {
              const dp = d.dataPoints[l]!
              rows.histogram.push({
                ...metricCols(rc!, sc!, m, p, attrs),
                Count: dp.count,
                Sum: dp.sum ?? 0,
                BucketCounts: dp.bucketCounts,
                ExplicitBounds: dp.explicitBounds,
                Min: dp.min,
                Max: dp.max,
                AggregationTemporality: temporality(d.aggregationTemporality),
              })
              break
            }
            case 'exponentialHistogram': {
              const dp = d.dataPoints[l]!
              rows.exponentialHistogram.push({
                ...metricCols(rc!, sc!, m, p, attrs),
                Count: dp.count,
                Sum: dp.sum ?? 0,
                Scale: dp.scale,
                ZeroCount: dp.zeroCount,
                ZeroThreshold: dp.zeroThreshold,
                PositiveOffset: dp.positive?.offset ?? 0,
                PositiveBucketCounts: dp.positive?.bucketCounts ?? [],
                NegativeOffset: dp.negative?.offset ?? 0,
                NegativeBucketCounts: dp.negative?.bucketCounts ?? [],
                Min: dp.min,
                Max: dp.max,
                AggregationTemporality: temporality(d.aggregationTemporality),
              })
              break
            }
            case 'summary': {
              const dp = d.dataPoints[l]!
              rows.summary.push({
                ...metricCols(rc!, sc!, m, p, attrs),
                Count: dp.count,
                Sum: dp.sum,
                'ValueAtQuantiles.Quantile': dp.quantileValues.map((q) => q.quantile),
                'ValueAtQuantiles.Value': dp.quantileValues.map((q) => q.value),
              })
              break
            }
          }
        }
      }
    }
  }
  return { rows, rejected }
}
