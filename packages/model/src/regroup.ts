/**
 * Helpers the collector uses to turn one export request into bus records: count its items,
 * regroup spans by trace (the record key, so a whole trace lands on one partition), and split a
 * request into records that each encode to at most a given size (a bus record is <= 1 MiB).
 */
import { bytesToHex } from './hex.ts'
import { encodeLogs, encodeMetrics, encodeTraces } from './otlp/codec.ts'
import { build, flatten, metricPointCount, sliceMetric, type Entry } from './otlp/request-items.ts'
import type { LogsRequest, Metric, MetricsRequest, RequestOf, Signal, Span, TracesRequest } from './otlp/types.ts'

/** The OTLP partial-success unit: spans, log records or metric data points. */
export function countItems<S extends Signal>(signal: S, req: RequestOf[S]): number {
  let n = 0
  if (signal === 'traces') {
    for (const rs of (req as TracesRequest).resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length
  } else if (signal === 'logs') {
    for (const rl of (req as LogsRequest).resourceLogs) for (const sl of rl.scopeLogs) n += sl.logRecords.length
  } else {
    for (const rm of (req as MetricsRequest).resourceMetrics) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) n += metricPointCount(m)
  }
  return n
}

/**
 * Spans regrouped by trace id (lowercase hex, whatever its length), each group a request whose
 * spans keep their resource and scope; groups and spans keep the order of first appearance.
 */
export function groupSpansByTrace(req: TracesRequest): Map<string, TracesRequest> {
  const groups = new Map<string, Entry[]>()
  for (const e of flatten('traces', req)) {
    const key = bytesToHex((e.item as Span).traceId)
    const list = groups.get(key)
    if (list === undefined) groups.set(key, [e])
    else list.push(e)
  }
  const out = new Map<string, TracesRequest>()
  for (const [key, entries] of groups) out.set(key, build('traces', entries))
  return out
}

export interface SizedRecord<S extends Signal> {
  request: RequestOf[S]
  /** the request encoded as protobuf, ready for the bus */
  bytes: Uint8Array
  /** items in this record */
  items: number
}

export interface SplitResult<S extends Signal> {
  records: SizedRecord<S>[]
  /** single items (span, log record, data point) that alone encode to more than maxBytes */
  oversized: RequestOf[S][]
}

function encodeProtobuf<S extends Signal>(signal: S, req: RequestOf[S]): Uint8Array {
  if (signal === 'traces') return encodeTraces(req as TracesRequest, 'protobuf')
  if (signal === 'logs') return encodeLogs(req as LogsRequest, 'protobuf')
  return encodeMetrics(req as MetricsRequest, 'protobuf')
}

/**
 * Splits a request into records whose protobuf encoding is at most `maxBytes` each, keeping item
 * order. Items are spans, log records, and metrics (a metric too large alone is split by data
 * points). Cost: one encoding when the request fits, else about log(size / maxBytes) more.
 */
export function splitBySize<S extends Signal>(signal: S, req: RequestOf[S], maxBytes: number): SplitResult<S> {
  const records: SizedRecord<S>[] = []
  const oversized: RequestOf[S][] = []
  const place = (entries: Entry[]): void => {
    if (entries.length === 0) return
    const request = build(signal, entries)
    const bytes = encodeProtobuf(signal, request)
    if (bytes.length <= maxBytes) {
      records.push({ request, bytes, items: countItems(signal, request) })
      return
    }
    if (entries.length === 1) {
      const only = entries[0]!
      const points = signal === 'metrics' ? metricPointCount(only.item as Metric) : 1
      if (points <= 1) {
        oversized.push(request)
        return
      }
      const half = points >> 1
      place([{ ...only, item: sliceMetric(only.item as Metric, 0, half) }])
      place([{ ...only, item: sliceMetric(only.item as Metric, half, points) }])
      return
    }
    const parts = Math.min(entries.length, Math.max(2, Math.ceil(bytes.length / maxBytes)))
    const per = Math.ceil(entries.length / parts)
    for (let i = 0; i < entries.length; i += per) place(entries.slice(i, i + per))
  }
  const whole = encodeProtobuf(signal, req)
  if (whole.length <= maxBytes) {
    const items = countItems(signal, req)
    if (items > 0) records.push({ request: req, bytes: whole, items })
    return { records, oversized }
  }
  place(flatten(signal, req))
  return { records, oversized }
}
