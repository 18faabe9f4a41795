/**
 * Bus records from a validated request. Record format (what ingest and any OpenTelemetry
 * Collector Kafka receiver read):
 *
 *   value   = one OTLP protobuf Export<Signal>ServiceRequest, at most `maxRecordBytes` (1 MiB)
 *   key     = traces: the trace id as 32 lowercase hex characters (UTF-8), so a whole trace lands
 *             on one partition and keeps its order; logs, metrics: null (spread over partitions)
 *   headers = periscope-tenant, periscope-signal, periscope-schema-version (HEADERS in bus.ts)
 *
 * Invariants:
 * - every span is in exactly one record, with the resource and scope it came with; spans of one
 *   trace share records only with each other (one trace per record, split further if too big);
 * - a request larger than the limit is split by halving its list of items (spans, log records,
 *   data points) until each part fits; an item that does not fit alone (with its resource and
 *   scope) is rejected as 'item_too_large' and counted, never sent;
 * - resources, scopes and metrics are shared by reference between parts, never copied deeply.
 */
import {
  encodeLogs,
  encodeMetrics,
  encodeTraces,
  type LogsRequest,
  type Metric,
  type MetricsRequest,
  type RequestOf,
  type ResourceLogs,
  type ResourceMetrics,
  type ResourceSpans,
  type ScopeLogs,
  type ScopeMetrics,
  type ScopeSpans,
  type Signal,
  type TracesRequest,
} from '@periscope/model'
import { HEADERS, type BusRecord } from '@periscope/pipeline'
import { reject, type Tally } from '../validate/item-rules.ts'

export const MAX_RECORD_BYTES = 1 << 20

/**
 * The version of the record format above, carried in `periscope-schema-version`; a consumer
 * refuses (dead-letters) versions it does not know.
 */
export const RECORD_SCHEMA_VERSION = '1'

export interface RecordOptions {
  tenantId: string
  maxRecordBytes: number
}

/** One item with the containers it sits in; `metric` only for data points. */
interface Leaf<R, S, I> {
  resource: R
  scope: S
  metric: Metric | null
  item: I
}

type SpanLeaf = Leaf<ResourceSpans, ScopeSpans, ScopeSpans['spans'][number]>
type LogLeaf = Leaf<ResourceLogs, ScopeLogs, ScopeLogs['logRecords'][number]>
type PointLeaf = Leaf<ResourceMetrics, ScopeMetrics, unknown>

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

function hex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!]
  return out
}

// ---- rebuilding requests from leaves: consecutive leaves with the same containers share them ----

function buildTraces(leaves: SpanLeaf[], from = 0, to = leaves.length): TracesRequest {
  const resourceSpans: ResourceSpans[] = []
  let lastResource: ResourceSpans | null = null
  let lastScope: ScopeSpans | null = null
  let rs: ResourceSpans | null = null
  let ss: ScopeSpans | null = null
  for (let i = from; i < to; i++) {
    const leaf = leaves[i]!
    if (leaf.resource !== lastResource || rs === null) {
      rs = { resource: leaf.resource.resource, scopeSpans: [], schemaUrl: leaf.resource.schemaUrl }
      resourceSpans.push(rs)
      lastResource = leaf.resource
      lastScope = null
    }
    if (leaf.scope !== lastScope || ss === null) {
      ss = { scope: leaf.scope.scope, spans: [], schemaUrl: leaf.scope.schemaUrl }
      rs.scopeSpans.push(ss)
      lastScope = leaf.scope
    }
    ss.spans.push(leaf.item)
  }
  return { resourceSpans }
}

function buildLogs(leaves: LogLeaf[], from = 0, to = leaves.length): LogsRequest {
  const resourceLogs: ResourceLogs[] = []
  let lastResource: ResourceLogs | null = null
  let lastScope: ScopeLogs | null = null
  let rl: ResourceLogs | null = null
  let sl: ScopeLogs | null = null
  for (let i = from; i < to; i++) {
    const leaf = leaves[i]!
    if (leaf.resource !== lastResource || rl === null) {
      rl = { resource: leaf.resource.resource, scopeLogs: [], schemaUrl: leaf.resource.schemaUrl }
      resourceLogs.push(rl)
      lastResource = leaf.resource
      lastScope = null
    }
    if (leaf.scope !== lastScope || sl === null) {
      sl = { scope: leaf.scope.scope, logRecords: [], schemaUrl: leaf.scope.schemaUrl }
      rl.scopeLogs.push(sl)
      lastScope = leaf.scope
    }
    sl.logRecords.push(leaf.item)
  }
  return { resourceLogs }
}

function withPoints(metric: Metric, points: unknown[]): Metric {
  // the data variants differ only in their dataPoints' type; the copy keeps every other field
  return { ...metric, data: { ...metric.data, dataPoints: points } as Metric['data'] }
}

function buildMetrics(leaves: PointLeaf[], from = 0, to = leaves.length): MetricsRequest {
  const resourceMetrics: ResourceMetrics[] = []
  let lastResource: ResourceMetrics | null = null
  let lastScope: ScopeMetrics | null = null
  let lastMetric: Metric | null = null
  let rm: ResourceMetrics | null = null
  let sm: ScopeMetrics | null = null
  let points: unknown[] = []
  for (let i = from; i < to; i++) {
    const leaf = leaves[i]!
    if (leaf.resource !== lastResource || rm === null) {
      rm = { resource: leaf.resource.resource, scopeMetrics: [], schemaUrl: leaf.resource.schemaUrl }
      resourceMetrics.push(rm)
      lastResource = leaf.resource
      lastScope = null
    }
    if (leaf.scope !== lastScope || sm === null) {
      sm = { scope: leaf.scope.scope, metrics: [], schemaUrl: leaf.scope.schemaUrl }
      rm.scopeMetrics.push(sm)
      lastScope = leaf.scope
      lastMetric = null
    }
    if (leaf.metric !== lastMetric) {
      points = []
      sm.metrics.push(withPoints(leaf.metric!, points))
      lastMetric = leaf.metric
    }
    points.push(leaf.item)
  }
  return { resourceMetrics }
}

// ---- splitting ----------------------------------------------------------------------------------

interface SplitContext {
  maxRecordBytes: number
  tally: Tally
  out: Buffer[]
}

/**
 * Encodes leaves[from, to) as one record if it fits, else halves; a single leaf that does not fit
 * is rejected. Recursion depth is log2(items), at most ~20 for any request under the body limit.
 */
function split<L>(
  leaves: L[],
  from: number,
  to: number,
  encode: (leaves: L[], from: number, to: number) => Uint8Array,
  pathOf: (leaf: L) => string,
  ctx: SplitContext,
): void {
  const bytes = encode(leaves, from, to)
  if (bytes.byteLength <= ctx.maxRecordBytes) {
    ctx.out.push(asBuffer(bytes))
    return
  }
  if (to - from === 1) {
    reject(ctx.tally, 'item_too_large', pathOf(leaves[from]!))
    return
  }
  const mid = from + ((to - from) >> 1)
  split(leaves, from, mid, encode, pathOf, ctx)
  split(leaves, mid, to, encode, pathOf, ctx)
}

function headersFor(signal: Signal, tenantId: string): Record<string, string> {
  return { [HEADERS.tenant]: tenantId, [HEADERS.signal]: signal, [HEADERS.schemaVersion]: RECORD_SCHEMA_VERSION }
}

function spanRecords(request: TracesRequest, options: RecordOptions, tally: Tally): BusRecord[] {
  const byTrace = new Map<string, SpanLeaf[]>()
  for (const rs of request.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const traceKey = hex(span.traceId)
        let leaves = byTrace.get(traceKey)
        if (!leaves) byTrace.set(traceKey, (leaves = []))
        leaves.push({ resource: rs, scope: ss, metric: null, item: span })
      }
    }
  }
  const headers = headersFor('traces', options.tenantId)
  const records: BusRecord[] = []
  const encode = (leaves: SpanLeaf[], from: number, to: number) => encodeTraces(buildTraces(leaves, from, to), 'protobuf')
  for (const [traceKey, leaves] of byTrace) {
    const ctx: SplitContext = { maxRecordBytes: options.maxRecordBytes, tally, out: [] }
    split(leaves, 0, leaves.length, encode, () => `span of trace ${traceKey}`, ctx)
    const key = Buffer.from(traceKey)
    for (const value of ctx.out) records.push({ key, value, headers })
  }
  return records
}

function logRecords(request: LogsRequest, options: RecordOptions, tally: Tally): BusRecord[] {
  const headers = headersFor('logs', options.tenantId)
  const whole = encodeLogs(request, 'protobuf')
  if (whole.byteLength <= options.maxRecordBytes) {
    return whole.byteLength === 0 ? [] : [{ key: null, value: asBuffer(whole), headers }]
  }
  const leaves: LogLeaf[] = []
  for (const rl of request.resourceLogs) {
    for (const sl of rl.scopeLogs) for (const item of sl.logRecords) leaves.push({ resource: rl, scope: sl, metric: null, item })
  }
  const ctx: SplitContext = { maxRecordBytes: options.maxRecordBytes, tally, out: [] }
  split(leaves, 0, leaves.length, (l, from, to) => encodeLogs(buildLogs(l, from, to), 'protobuf'), () => 'a log record', ctx)
  return ctx.out.map((value) => ({ key: null, value, headers }))
}

function metricRecords(request: MetricsRequest, options: RecordOptions, tally: Tally): BusRecord[] {
  const headers = headersFor('metrics', options.tenantId)
  const whole = encodeMetrics(request, 'protobuf')
  if (whole.byteLength <= options.maxRecordBytes) {
    return whole.byteLength === 0 ? [] : [{ key: null, value: asBuffer(whole), headers }]
  }
  const leaves: PointLeaf[] = []
  for (const rm of request.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const metric of sm.metrics) {
        if (metric.data.type === 'none') continue
        for (const item of metric.data.dataPoints) leaves.push({ resource: rm, scope: sm, metric, item })
      }
    }
  }
  const ctx: SplitContext = { maxRecordBytes: options.maxRecordBytes, tally, out: [] }
  split(
    leaves,
    0,
    leaves.length,
    (l, from, to) => encodeMetrics(buildMetrics(l, from, to), 'protobuf'),
    (leaf) => `a data point of metric ${JSON.stringify(leaf.metric?.name ?? '')}`,
    ctx,
  )
  return ctx.out.map((value) => ({ key: null, value, headers }))
}

/**
 * The records for a validated request. Items that cannot fit a record are rejected into `tally`;
 * an empty request gives no records.
 */
export function toRecords<S extends Signal>(signal: S, request: RequestOf[S], options: RecordOptions, tally: Tally): BusRecord[] {
  if (signal === 'traces') return spanRecords(request as TracesRequest, options, tally)
  if (signal === 'logs') return logRecords(request as LogsRequest, options, tally)
  return metricRecords(request as MetricsRequest, options, tally)
}
