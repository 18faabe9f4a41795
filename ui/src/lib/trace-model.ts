/**
 * The view model of one trace, computed once per response outside React: spans with bigint
 * times, the tree order with depths, bounds, the critical path by span, the trace's logs by
 * span, and the services in order of first appearance.
 */
import type { LogRecord, Span, TraceResponse } from '../api/types.ts'
import { criticalPath, segmentsBySpan, type PathSegment } from './critical-path.ts'
import { spanTree, type TreeRow } from './span-tree.ts'
import { traceBounds, type Bounds } from './time-bounds.ts'

/** A span as the waterfall uses it; `raw` is the API's span for the detail panel. */
export interface ModelSpan {
  spanId: string
  parentSpanId: string
  service: string
  name: string
  startNs: bigint
  durationNs: bigint
  isError: boolean
  raw: Span
}

export interface TraceModel {
  traceId: string
  spans: ModelSpan[]
  rows: TreeRow<ModelSpan>[]
  bounds: Bounds
  criticalBySpan: Map<string, PathSegment[]>
  logsBySpan: Map<string, LogRecord[]>
  /** logs whose span is not in the trace (or that have none) */
  unattachedLogs: LogRecord[]
  services: string[]
  errorCount: number
}

export function modelSpan(span: Span): ModelSpan {
  return {
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    service: span.service,
    name: span.name,
    startNs: BigInt(span.startTimeUnixNano),
    durationNs: BigInt(span.durationNs),
    isError: span.statusCode === 'ERROR' || span.statusCode === 'STATUS_CODE_ERROR',
    raw: span,
  }
}

export function logsBySpanId(logs: readonly LogRecord[], spanIds: ReadonlySet<string>): { bySpan: Map<string, LogRecord[]>; unattached: LogRecord[] } {
  const bySpan = new Map<string, LogRecord[]>()
  const unattached: LogRecord[] = []
  const sorted = [...logs].sort((a, b) => (BigInt(a.timeUnixNano) < BigInt(b.timeUnixNano) ? -1 : BigInt(a.timeUnixNano) > BigInt(b.timeUnixNano) ? 1 : 0))
  for (const log of sorted) {
    if (log.spanId && spanIds.has(log.spanId)) {
      const list = bySpan.get(log.spanId)
      if (list) list.push(log)
      else bySpan.set(log.spanId, [log])
    } else unattached.push(log)
  }
  return { bySpan, unattached }
}

export function traceModel(trace: Pick<TraceResponse, 'traceId' | 'spans' | 'logs'>): TraceModel {
  const spans = trace.spans.map(modelSpan)
  const rows = spanTree(spans)
  const bounds = traceBounds(spans)
  const criticalBySpan = segmentsBySpan(criticalPath(spans))
  const { bySpan, unattached } = logsBySpanId(trace.logs, new Set(spans.map((s) => s.spanId)))
  const services: string[] = []
  const seen = new Set<string>()
  for (const row of rows) {
    if (!seen.has(row.span.service)) {
      seen.add(row.span.service)
      services.push(row.span.service)
    }
  }
  return {
    traceId: trace.traceId,
    spans,
    rows,
    bounds,
    criticalBySpan,
    logsBySpan: bySpan,
    unattachedLogs: unattached,
    services,
    errorCount: spans.filter((s) => s.isError).length,
  }
}
