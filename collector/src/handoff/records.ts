/**
 * Bus records from a validated request. Record format (what ingest and any OpenTelemetry
 * Collector Kafka receiver read):
 *
 *   value   = one OTLP protobuf Export<Signal>ServiceRequest, at most `maxRecordBytes` (1 MiB);
 *             a protobuf logs request that validation left untouched and that fits is the body as
 *             received (unknown fields kept: receivers skip them), not encoded again
 *   key     = traces: a trace id as 32 lowercase hex characters (UTF-8) — the id of the record's
 *             first trace; every other trace in the record maps to the same partition as that key
 *             (see below), so a whole trace lands on one partition and keeps its order;
 *             logs, metrics: null (spread over partitions)
 *   headers = periscope-tenant, periscope-signal, periscope-schema-version (HEADERS in bus.ts)
 *
 * Traces are grouped by destination partition: given the bus's partitioner for the topic
 * (`partitionOf`, Bus.partitioner), the spans of all the request's traces that map to one
 * partition go into one record (one record per request and partition, rather than one per trace:
 * per-record costs — framing, the copy of the resource and scope, ingest's decoding of them and the
 * resource attributes' JSON in its insert — are paid once per partition, not once per trace). Without
 * a partitioner (a bus that has none, or whose metadata is unavailable) each trace is its own group.
 * Either way a record is keyed by its group's first trace.
 *
 * Invariants:
 * - every span is in exactly one record, with the resource and scope it came with, in request
 *   order; a record holds the spans of one group only (one partition's traces, or one trace);
 * - a group larger than the limit is split into several records with the same key (so on the same
 *   partition, in order); spans of one trace then may sit in two records of that partition. An
 *   item that does not fit alone (with its resource and scope) is rejected as 'item_too_large'
 *   and counted, never sent.
 */
import { bytesToHex, countItems, groupSpansByTrace, splitBySize, type RequestOf, type Signal, type Span, type TracesRequest } from '@periscope/model'
import { HEADERS, type BusRecord } from '@periscope/pipeline'
import { reject, type Tally } from '../validate/item-rules.ts'
import { encodeSpan, recordChunks, writeTraceRecord, type SpanEntry, type TraceSlices } from './trace-slices.ts'

export const MAX_RECORD_BYTES = 1 << 20

/**
 * The version of the record format above, carried in `periscope-schema-version`; a consumer
 * refuses (dead-letters) versions it does not know. Grouping several traces into one record did
 * not change it: a record was always a whole export request, which may hold any traces.
 */
export const RECORD_SCHEMA_VERSION = '1'

export interface RecordOptions {
  tenantId: string
  maxRecordBytes: number
  /** traces: the bus's partitioner for the topic; without it, a group (and record) per trace */
  partitionOf?: ((key: Buffer) => number) | null
  /** the request's protobuf body as received (logs: copied through when validation changed nothing) */
  protobufBody?: Uint8Array | null
}

/** true when validation neither rejected, truncated, nor otherwise changed anything */
function untouched(tally: Tally): boolean {
  return tally.rejected === 0 && tally.truncations === 0 && tally.modifiedItems.size === 0 && !tally.modifiedContainers
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function headersFor(signal: Signal, tenantId: string): Record<string, string> {
  return { [HEADERS.tenant]: tenantId, [HEADERS.signal]: signal, [HEADERS.schemaVersion]: RECORD_SCHEMA_VERSION }
}

/** Splits one request into records with the given key; oversized items go to the tally. */
function sized<S extends Signal>(
  signal: S,
  request: RequestOf[S],
  key: Buffer | null,
  headers: Record<string, string>,
  options: RecordOptions,
  tally: Tally,
  what: (single: RequestOf[S]) => string,
  out: BusRecord[],
): void {
  const { records, oversized } = splitBySize(signal, request, options.maxRecordBytes)
  for (const record of records) out.push({ key, value: asBuffer(record.bytes), headers })
  for (const single of oversized) reject(tally, 'item_too_large', what(single), Math.max(1, countItems(signal, single)))
}

function spanWhat(single: TracesRequest): string {
  const span = single.resourceSpans[0]?.scopeSpans[0]?.spans[0]
  return span ? `a span of trace ${bytesToHex(span.traceId)}` : 'a span'
}

interface TraceGroup {
  /** the group's number: the partition, or (without a partitioner) the trace's order of appearance */
  group: number
  /** the key of the group's records: its first trace's id as hex */
  key: Buffer
}

/** The group of each trace, by trace id (hex); a trace first seen opens its group if it is new. */
function traceGrouping(partitionOf: RecordOptions['partitionOf']): (span: Span) => TraceGroup {
  const traces = new Map<string, TraceGroup>()
  const firstKeys = new Map<number, Buffer>()
  return (span) => {
    const hex = bytesToHex(span.traceId)
    let trace = traces.get(hex)
    if (!trace) {
      const own = Buffer.from(hex)
      const group = partitionOf ? partitionOf(own) : traces.size
      let key = firstKeys.get(group)
      if (!key) firstKeys.set(group, (key = own))
      trace = { group, key }
      traces.set(hex, trace)
    }
    return trace
  }
}

/**
 * Records copied from the body's span bytes (see trace-slices.ts), a group at a time; null when
 * that is not possible for this request, and the caller encodes instead.
 */
function copiedSpanRecords(request: TracesRequest, slices: TraceSlices, options: RecordOptions, tally: Tally, headers: Record<string, string>): BusRecord[] | null {
  if (tally.modifiedContainers) return null
  const groupOf = traceGrouping(options.partitionOf)
  const groups = new Map<number, { key: Buffer; entries: SpanEntry[] }>()
  for (const rs of request.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const bytes = tally.modifiedItems.has(span) ? encodeSpan(span) : slices.span.get(span)
        if (!bytes) return null
        const { group, key } = groupOf(span)
        let entries = groups.get(group)
        if (!entries) groups.set(group, (entries = { key, entries: [] }))
        entries.entries.push({ rs, ss, bytes })
      }
    }
  }
  const out: BusRecord[] = []
  for (const { key, entries } of groups.values()) {
    // null: a span with its containers alone may exceed the limit; the encode path rejects it
    const chunks = recordChunks(entries, slices.head, options.maxRecordBytes)
    if (!chunks) return null
    for (const chunk of chunks) out.push({ key, value: writeTraceRecord(chunk, slices.head), headers })
  }
  return out
}

/** The request's spans as one request per group (containers shared by reference, order kept). */
function groupedRequests(request: TracesRequest, partitionOf: (key: Buffer) => number): { key: Buffer; request: TracesRequest }[] {
  const groupOf = traceGrouping(partitionOf)
  const groups = new Map<number, { key: Buffer; request: TracesRequest; rs: object | null; ss: object | null; spans: Span[] }>()
  for (const rs of request.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const { group, key } = groupOf(span)
        let g = groups.get(group)
        if (!g) groups.set(group, (g = { key, request: { resourceSpans: [] }, rs: null, ss: null, spans: [] }))
        if (g.rs !== rs) {
          g.request.resourceSpans.push({ ...rs, scopeSpans: [] })
          g.rs = rs
          g.ss = null
        }
        if (g.ss !== ss) {
          g.spans = []
          g.request.resourceSpans[g.request.resourceSpans.length - 1]!.scopeSpans.push({ ...ss, spans: g.spans })
          g.ss = ss
        }
        g.spans.push(span)
      }
    }
  }
  return [...groups.values()].map(({ key, request }) => ({ key, request }))
}

/**
 * The records for a validated request. Items that cannot fit a record are rejected into `tally`;
 * an empty request gives no records. `slices` (protobuf traces only) lets spans be copied from
 * the body instead of encoded again.
 */
export function toRecords<S extends Signal>(signal: S, request: RequestOf[S], options: RecordOptions, tally: Tally, slices: TraceSlices | null = null): BusRecord[] {
  const headers = headersFor(signal, options.tenantId)
  if (signal === 'traces' && slices) {
    const copied = copiedSpanRecords(request as TracesRequest, slices, options, tally, headers)
    if (copied) return copied
  }
  if (signal === 'logs' && options.protobufBody && options.protobufBody.length <= options.maxRecordBytes && untouched(tally)) {
    // logs records are unkeyed whole requests: an untouched body decodes to what encoding would write, minus the work
    return [{ key: null, value: asBuffer(options.protobufBody), headers }]
  }
  const out: BusRecord[] = []
  if (signal === 'traces') {
    const groups = options.partitionOf
      ? groupedRequests(request as TracesRequest, options.partitionOf)
      : [...groupSpansByTrace(request as TracesRequest)].map(([hex, trace]) => ({ key: Buffer.from(hex), request: trace }))
    for (const { key, request: group } of groups) sized('traces', group, key, headers, options, tally, spanWhat, out)
  } else {
    const what = signal === 'logs' ? 'a log record' : 'a metric data point'
    sized(signal, request, null, headers, options, tally, () => what, out)
  }
  return out
}
