/**
 * Requests seen as flat lists of items with their resource and scope, and rebuilt from such lists:
 * the common ground of regrouping by trace, splitting by size and filtering out bad items.
 * An item is a span, a log record, or (for rebuilding) a metric.
 *
 * Rebuilding keeps order and puts consecutive items that share a resource and a scope (by
 * identity) into one ResourceX / ScopeX pair, so a request flattened and rebuilt whole is
 * structurally equal to the original minus empty scopes and resources.
 */
import type { Metric, RequestOf, Signal } from './types.ts'

export interface Entry {
  rs: AnyContainer
  ss: AnyContainer
  item: unknown
}

type AnyContainer = Record<string, unknown>

export const KEYS = {
  traces: ['resourceSpans', 'scopeSpans', 'spans'],
  logs: ['resourceLogs', 'scopeLogs', 'logRecords'],
  metrics: ['resourceMetrics', 'scopeMetrics', 'metrics'],
} as const

export function flatten<S extends Signal>(signal: S, req: RequestOf[S]): Entry[] {
  const [rKey, sKey, iKey] = KEYS[signal]
  const out: Entry[] = []
  for (const rs of (req as unknown as AnyContainer)[rKey] as AnyContainer[]) {
    for (const ss of rs[sKey] as AnyContainer[]) {
      for (const item of ss[iKey] as unknown[]) out.push({ rs, ss, item })
    }
  }
  return out
}

export function build<S extends Signal>(signal: S, entries: Entry[]): RequestOf[S] {
  const [rKey, sKey, iKey] = KEYS[signal]
  const resources: AnyContainer[] = []
  let lastRs: AnyContainer | null = null
  let lastSs: AnyContainer | null = null
  let scopes: AnyContainer[] = []
  let items: unknown[] = []
  for (const e of entries) {
    if (e.rs !== lastRs) {
      scopes = []
      resources.push({ ...e.rs, [sKey]: scopes })
      lastRs = e.rs
      lastSs = null
    }
    if (e.ss !== lastSs) {
      items = []
      scopes.push({ ...e.ss, [iKey]: items })
      lastSs = e.ss
    }
    items.push(e.item)
  }
  return { [rKey]: resources } as unknown as RequestOf[S]
}

/** Data points of a metric (0 for a metric without data). */
export function metricPointCount(m: Metric): number {
  return m.data.type === 'none' ? 0 : m.data.dataPoints.length
}

/** The metric with only the data points [from, to). */
export function sliceMetric(m: Metric, from: number, to: number): Metric {
  if (m.data.type === 'none') return m
  return { ...m, data: { ...m.data, dataPoints: m.data.dataPoints.slice(from, to) } as Metric['data'] }
}
