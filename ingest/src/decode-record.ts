/**
 * One bus record → the rows it adds to each table, or the reason it is poison.
 *
 * A record is one OTLP export request of the consumer's signal (the topic decides the signal, not a
 * header). Protobuf is what the collector and the OpenTelemetry Collector's Kafka exporter write;
 * OTLP/JSON is accepted too (that exporter's `otlp_json` encoding): a JSON object starts with `{`
 * (0x7b) while a protobuf request starts with a field tag (0x0a for field 1), so the first byte
 * tells them apart without a header.
 *
 * A record is poison (→ dead letters, whole) when it cannot be decoded, when any item in it has an
 * impossible value (the model rejects it), when it names no tenant and no default is configured,
 * or when its `periscope-schema-version` is one this code does not know.
 * A partly bad record is not split: its good items go to the dead-letter topic with it, so replaying
 * a fixed record never duplicates rows.
 *
 * Invariant: the rows are a pure function of (signal, record value, tenant), in request order —
 * the dedup token of a replayed range relies on it.
 */
import {
  decodeLogs,
  decodeMetrics,
  decodeTraces,
  logRows,
  metricRows,
  spanRows,
  TABLES,
  type Encoding,
  type ItemRejection,
  type MetricKind,
  type Signal,
  type TableName,
} from '@periscope/model'
import { HEADERS, type ConsumedRecord } from '@periscope/pipeline'
import type { Poison } from './dead-letter.ts'

/** Rows of one record per table, only tables that get rows. */
export type TableRows = Map<TableName, object[]>

export type DecodedRecord =
  | { ok: true; tenantId: string; tables: TableRows; rows: number }
  | { ok: false; tenantId: string; poison: Poison }

const METRIC_KINDS: readonly MetricKind[] = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary']

/** The tables a signal writes, in the order ingest inserts them. */
export function tablesOf(signal: Signal): TableName[] {
  if (signal === 'traces') return [TABLES.spans]
  if (signal === 'logs') return [TABLES.logs]
  return METRIC_KINDS.map((kind) => TABLES[kind])
}

export function encodingOf(value: Uint8Array): Encoding {
  // only a leading '{' means JSON: 0x0a, the usual first protobuf byte, is also a newline, so
  // JSON with leading whitespace would be ambiguous (the exporter writes compact JSON)
  return value.length > 0 && value[0] === 0x7b ? 'json' : 'protobuf'
}

const MAX_REJECTIONS_SHOWN = 3

function describeRejections(rejected: readonly ItemRejection[]): string {
  const shown = rejected.slice(0, MAX_REJECTIONS_SHOWN).map((r) => `${r.path}: ${r.reason}`)
  const more = rejected.length > MAX_REJECTIONS_SHOWN ? `; and ${rejected.length - MAX_REJECTIONS_SHOWN} more` : ''
  return `${rejected.length} item(s) rejected: ${shown.join('; ')}${more}`
}

/** Versions of the record format (collector/src/handoff/records.ts) this code reads. */
export const KNOWN_SCHEMA_VERSIONS: ReadonlySet<string> = new Set(['1'])

export function decodeRecord(signal: Signal, record: ConsumedRecord, defaultTenantId: string): DecodedRecord {
  const tenantId = record.headers[HEADERS.tenant] ?? defaultTenantId
  if (tenantId === '') return { ok: false, tenantId, poison: { reason: 'no_tenant', message: `no ${HEADERS.tenant} header and no default tenant configured` } }
  // records without the header come from other producers (an OpenTelemetry Collector): plain OTLP
  const version = record.headers[HEADERS.schemaVersion]
  if (version !== undefined && !KNOWN_SCHEMA_VERSIONS.has(version)) {
    return { ok: false, tenantId, poison: { reason: 'unknown_version', message: `record format version ${JSON.stringify(version.slice(0, 32))} is not one this ingest reads` } }
  }
  const body = record.value
  const encoding = encodingOf(body)
  const tables: TableRows = new Map()
  let rejected: ItemRejection[]
  let rows = 0
  if (signal === 'traces') {
    const decoded = decodeTraces(body, encoding)
    if (!decoded.ok) return { ok: false, tenantId, poison: { reason: 'undecodable', message: decoded.error.message } }
    const out = spanRows(decoded.value, tenantId)
    rejected = out.rejected
    if (out.rows.length > 0) tables.set(TABLES.spans, out.rows)
    rows = out.rows.length
  } else if (signal === 'logs') {
    const decoded = decodeLogs(body, encoding)
    if (!decoded.ok) return { ok: false, tenantId, poison: { reason: 'undecodable', message: decoded.error.message } }
    const out = logRows(decoded.value, tenantId)
    rejected = out.rejected
    if (out.rows.length > 0) tables.set(TABLES.logs, out.rows)
    rows = out.rows.length
  } else {
    const decoded = decodeMetrics(body, encoding)
    if (!decoded.ok) return { ok: false, tenantId, poison: { reason: 'undecodable', message: decoded.error.message } }
    const out = metricRows(decoded.value, tenantId)
    rejected = out.rejected
    for (const kind of METRIC_KINDS) {
      const kindRows = out.rows[kind]
      if (kindRows.length > 0) tables.set(TABLES[kind], kindRows)
      rows += kindRows.length
    }
  }
  if (rejected.length > 0) return { ok: false, tenantId, poison: { reason: 'invalid_items', message: describeRejections(rejected) } }
  return { ok: true, tenantId, tables, rows }
}
