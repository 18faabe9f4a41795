/** Items of a decoded request as OTLP counts them: spans, log records, data points. */
import type { LogsRequest, MetricsRequest, RequestOf, Signal, TracesRequest } from '@periscope/model'

export function countItems<S extends Signal>(signal: S, request: RequestOf[S]): number {
  let n = 0
  if (signal === 'traces') {
    for (const rs of (request as TracesRequest).resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length
  } else if (signal === 'logs') {
    for (const rl of (request as LogsRequest).resourceLogs) for (const sl of rl.scopeLogs) n += sl.logRecords.length
  } else {
    for (const rm of (request as MetricsRequest).resourceMetrics) {
      for (const sm of rm.scopeMetrics) {
        for (const m of sm.metrics) {
          // a metric without points that is invalid (no kind, no name) still counts as one item,
          // so that its rejection is counted (the same rule as validate-metrics.ts)
          const points = m.data.type === 'none' ? 0 : m.data.dataPoints.length
          n += points > 0 ? points : m.data.type === 'none' || m.name === '' ? 1 : 0
        }
      }
    }
  }
  return n
}
