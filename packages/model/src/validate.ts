/**
 * Per-item validation, shared by the row builders and by the collector (which drops bad items
 * before they reach the bus and reports them as OTLP partial success). An item is a span, a log
 * record or a metric data point; one bad item never fails its request.
 *
 * What rejects an item:
 * - spans: trace id not 16 bytes or all zeros; span id not 8 bytes or all zeros; parent span id
 *   neither empty nor 8 bytes (an all-zero parent counts as no parent); a link with such ids;
 *   start time 0; end before start;
 * - log records: trace id neither empty nor 16 bytes, span id neither empty nor 8 bytes (all-zero
 *   ids count as absent: logs outside a span are common); time and observed time both 0;
 * - data points: empty metric name; time 0; histogram bucket counts not explicit bounds + 1;
 * - any item: an attribute (or body) value nested deeper than MAX_VALUE_DEPTH levels, or a
 *   resource or scope whose attributes are, which rejects every item under it.
 */
import { isAllZero } from './hex.ts'
import type { AnyValue, KeyValue, LogRecord, Metric, Span } from './otlp/types.ts'
import { MAX_VALUE_DEPTH } from './rows/any-value.ts'

/** What is wrong with an item: `field` is relative to the item ('' for the item itself). */
export interface Problem {
  field: string
  reason: string
}

function valueTooDeep(v: AnyValue, depth: number): boolean {
  if (v.type === 'array') {
    if (depth >= MAX_VALUE_DEPTH) return true
    for (let i = 0; i < v.value.length; i++) if (valueTooDeep(v.value[i]!, depth + 1)) return true
  } else if (v.type === 'kvlist') {
    if (depth >= MAX_VALUE_DEPTH) return true
    for (let i = 0; i < v.value.length; i++) if (valueTooDeep(v.value[i]!.value, depth + 1)) return true
  }
  return false
}

/** True when some value in the list nests deeper than MAX_VALUE_DEPTH (same rule as any-value.ts). */
export function attributesTooDeep(list: KeyValue[]): boolean {
  for (let i = 0; i < list.length; i++) {
    const t = list[i]!.value.type
    if ((t === 'array' || t === 'kvlist') && valueTooDeep(list[i]!.value, 0)) return true
  }
  return false
}

export const TOO_DEEP = `value nested deeper than ${MAX_VALUE_DEPTH} levels`

function idProblem(id: Uint8Array, bytes: number, what: string, field: string): Problem | null {
  if (id.length !== bytes) return { field, reason: `${what} must be ${bytes} bytes, got ${id.length}` }
  if (isAllZero(id)) return { field, reason: `${what} is all zeros` }
  return null
}

export function spanProblem(s: Span): Problem | null {
  const p = idProblem(s.traceId, 16, 'trace id', 'traceId') ?? idProblem(s.spanId, 8, 'span id', 'spanId')
  if (p !== null) return p
  if (s.parentSpanId.length !== 0 && s.parentSpanId.length !== 8) {
    return { field: 'parentSpanId', reason: `parent span id must be empty or 8 bytes, got ${s.parentSpanId.length}` }
  }
  if (s.startTimeUnixNano === 0n) return { field: 'startTimeUnixNano', reason: 'start time is missing' }
  if (s.endTimeUnixNano < s.startTimeUnixNano) return { field: 'endTimeUnixNano', reason: 'end before start' }
  if (attributesTooDeep(s.attributes)) return { field: 'attributes', reason: TOO_DEEP }
  for (let i = 0; i < s.events.length; i++) {
    if (attributesTooDeep(s.events[i]!.attributes)) return { field: `events[${i}].attributes`, reason: TOO_DEEP }
  }
  for (let i = 0; i < s.links.length; i++) {
    const l = s.links[i]!
    const lp = idProblem(l.traceId, 16, 'link trace id', `links[${i}].traceId`) ?? idProblem(l.spanId, 8, 'link span id', `links[${i}].spanId`)
    if (lp !== null) return lp
    if (attributesTooDeep(l.attributes)) return { field: `links[${i}].attributes`, reason: TOO_DEEP }
  }
  return null
}

export function logRecordProblem(r: LogRecord): Problem | null {
  if (r.traceId.length !== 0 && r.traceId.length !== 16) {
    return { field: 'traceId', reason: `trace id must be empty or 16 bytes, got ${r.traceId.length}` }
  }
  if (r.spanId.length !== 0 && r.spanId.length !== 8) {
    return { field: 'spanId', reason: `span id must be empty or 8 bytes, got ${r.spanId.length}` }
  }
  if (r.timeUnixNano === 0n && r.observedTimeUnixNano === 0n) return { field: 'timeUnixNano', reason: 'time and observed time are both missing' }
  if (r.body !== null && valueTooDeep(r.body, 0)) return { field: 'body', reason: TOO_DEEP }
  if (attributesTooDeep(r.attributes)) return { field: 'attributes', reason: TOO_DEEP }
  return null
}

/** Problems shared by every data point of a metric (checked once per metric). */
export function metricProblem(m: Metric): Problem | null {
  if (m.name === '') return { field: 'name', reason: 'metric name is empty' }
  return null
}

interface PointLike {
  attributes: KeyValue[]
  timeUnixNano: bigint
  bucketCounts?: bigint[]
  explicitBounds?: number[]
}

export function dataPointProblem(dp: PointLike): Problem | null {
  if (dp.timeUnixNano === 0n) return { field: 'timeUnixNano', reason: 'time is missing' }
  if (dp.bucketCounts !== undefined && dp.explicitBounds !== undefined) {
    const n = dp.bucketCounts.length
    if (n !== 0 && n !== dp.explicitBounds.length + 1) {
      return { field: 'bucketCounts', reason: `${n} bucket counts for ${dp.explicitBounds.length} explicit bounds (want bounds + 1)` }
    }
  }
  if (attributesTooDeep(dp.attributes)) return { field: 'attributes', reason: TOO_DEEP }
  return null
}
