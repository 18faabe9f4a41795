/**
 * Metric rules. The item is the data point (that is what is counted, limited and rejected):
 * - a metric needs a name and a kind; without either all its points are rejected (a metric
 *   without a kind and without points still counts as one rejected item, so it is reported);
 * - a point's time is non-zero and inside the time window; its start time is 0 or not after it;
 * - histogram bucket counts are absent or one more than the explicit bounds;
 * - exemplars: at most `maxAttributes` (cut in truncate mode); their ids empty or of the right
 *   length; their filtered attributes follow the attribute rules.
 * Rejected points (and metrics left with none) are removed in place; the tally counts them.
 */
import type { Exemplar, Metric, MetricsRequest } from '@periscope/model'
import {
  checkAttributes,
  checkContainer,
  truncated,
  inWindow,
  reject,
  type ItemRules,
  type RejectReason,
  type Tally,
  type TimeWindow,
} from './item-rules.ts'

interface AnyPoint {
  attributes: Metric['metadata']
  startTimeUnixNano: bigint
  timeUnixNano: bigint
  exemplars: Exemplar[]
  bucketCounts?: bigint[]
  explicitBounds?: number[]
}

function checkExemplars(point: AnyPoint, rules: ItemRules, tally: Tally): RejectReason | null {
  if (point.exemplars.length > rules.maxAttributes) {
    if (rules.onLimit === 'reject') return 'too_many_attributes'
    point.exemplars.length = rules.maxAttributes
    truncated(tally, 'too_many_attributes')
  }
  for (const exemplar of point.exemplars) {
    if (exemplar.traceId.length !== 0 && exemplar.traceId.length !== 16) return 'invalid_trace_id'
    if (exemplar.spanId.length !== 0 && exemplar.spanId.length !== 8) return 'invalid_span_id'
    const holder = { attributes: exemplar.filteredAttributes, droppedAttributesCount: 0 }
    const reason = checkAttributes(holder, rules, tally)
    if (reason) return reason
  }
  return null
}

function checkPoint(point: AnyPoint, rules: ItemRules, window: TimeWindow, tally: Tally): RejectReason | null {
  if (point.timeUnixNano === 0n || !inWindow(point.timeUnixNano, window)) return 'invalid_timestamp'
  if (point.startTimeUnixNano > point.timeUnixNano) return 'invalid_timestamp'
  if (point.bucketCounts && point.explicitBounds) {
    const n = point.bucketCounts.length
    if (n !== 0 && n !== point.explicitBounds.length + 1) return 'invalid_metric'
  }
  const attrReason = checkAttributes({ attributes: point.attributes, droppedAttributesCount: 0 }, rules, tally)
  if (attrReason) return attrReason
  return checkExemplars(point, rules, tally)
}

function pointsOf(metric: Metric): AnyPoint[] | null {
  return metric.data.type === 'none' ? null : (metric.data.dataPoints as AnyPoint[])
}

export function validateMetrics(request: MetricsRequest, rules: ItemRules, window: TimeWindow, tally: Tally): void {
  const resources = request.resourceMetrics
  for (let r = 0; r < resources.length; r++) {
    const rm = resources[r]!
    if (rm.resource) checkContainer(rm.resource, rules, tally)
    for (let s = 0; s < rm.scopeMetrics.length; s++) {
      const sm = rm.scopeMetrics[s]!
      if (sm.scope) checkContainer(sm.scope, rules, tally)
      const metrics = sm.metrics
      let keptMetrics = 0
      for (let m = 0; m < metrics.length; m++) {
        const metric = metrics[m]!
        const path = `resourceMetrics[${r}].scopeMetrics[${s}].metrics[${m}]`
        const points = pointsOf(metric)
        if (points === null || metric.name === '') {
          const count = Math.max(1, points?.length ?? 0)
          tally.received += count
          reject(tally, 'invalid_metric', path, count)
          continue
        }
        let kept = 0
        for (let i = 0; i < points.length; i++) {
          const point = points[i]!
          tally.received++
          const reason = checkPoint(point, rules, window, tally)
          if (reason) reject(tally, reason, `${path}.dataPoints[${i}]`)
          else points[kept++] = point
        }
        points.length = kept
        if (kept > 0) metrics[keptMetrics++] = metric
      }
      metrics.length = keptMetrics
    }
  }
}
