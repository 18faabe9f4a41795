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
 * - a request larger than the limit is split (the model's splitBySize) until each part fits; an
 *   item that does not fit alone (with its resource and scope) is rejected as 'item_too_large'
 *   and counted, never sent.
 */
import { bytesToHex, countItems, groupSpansByTrace, splitBySize, type RequestOf, type Signal, type TracesRequest } from '@periscope/model'
import { HEADERS, type BusRecord } from '@periscope/pipeline'
import { reject, type Tally } from '../validate/item-rules.ts'
import { encodeSpan, writeTraceRecord, type SpanEntry, type TraceSlices } from './trace-slices.ts'

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

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function headersFor(signal: Signal, tenantId: string): Record<string, string> {
  return { [HEADERS.tenant]: tenantId, [HEADERS.signal]: signal, [HEADERS.schemaVersion]: RECORD_SCHEMA_VERSION }
}

/** Splits one request into records with the given key; oversized items go to the tally. */
function sized<S extends Signal>(signal: S, request: RequestOf[S], key: Buffer | null, headers: Record<string, string>, options: RecordOptions, tally: Tally, what: string, out: BusRecord[]): void {
  const { records, oversized } = splitBySize(signal, request, options.maxRecordBytes)
  for (const record of records) out.push({ key, value: asBuffer(record.bytes), headers })
  for (const single of oversized) reject(tally, 'item_too_large', what, Math.max(1, countItems(signal, single)))
}

/**
 * Per-trace records copied from the body's span bytes (see trace-slices.ts); null when that is
 * not possible for this request, and the caller encodes instead.
 */
function copiedSpanRecords(request: TracesRequest, slices: TraceSlices, options: RecordOptions, tally: Tally, headers: Record<string, string>): BusRecord[] | null {
  if (tally.modifiedContainers) return null
  const byTrace = new Map<string, SpanEntry[]>()
  for (const rs of request.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const bytes = tally.modifiedItems.has(span) ? encodeSpan(span) : slices.span.get(span)
        if (!bytes) return null
        const traceKey = bytesToHex(span.traceId)
        let entries = byTrace.get(traceKey)
        if (!entries) byTrace.set(traceKey, (entries = []))
        entries.push({ rs, ss, bytes })
      }
    }
  }
  const out: BusRecord[] = []
  for (const [traceKey, entries] of byTrace) {
    const value = writeTraceRecord(entries, slices.head)
    // a trace over the record limit needs splitting: the encode path does that
    if (value.length > options.maxRecordBytes) return null
    out.push({ key: Buffer.from(traceKey), value, headers })
  }
  return out
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
  const out: BusRecord[] = []
  if (signal === 'traces') {
    for (const [traceKey, trace] of groupSpansByTrace(request as TracesRequest)) {
      sized('traces', trace, Buffer.from(traceKey), headers, options, tally, `a span of trace ${traceKey}`, out)
    }
  } else {
    sized(signal, request, null, headers, options, tally, signal === 'logs' ? 'a log record' : 'a metric data point', out)
  }
  return out
}
