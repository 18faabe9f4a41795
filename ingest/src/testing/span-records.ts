/**
 * Test and benchmark data: OTLP trace export requests whose every span carries a unique integer
 * attribute `seq`, so a test can count lost and duplicated spans in ClickHouse with
 * `count()` and `uniqExact(SpanAttributes['seq'])` independently of the code under test.
 *
 * Spans are deterministic in `seq`: trace id, span id, times and names derive from it, one trace
 * per record (as the collector writes them), `spansPerRecord` spans per trace.
 */
import { encodeTraces, SpanKind, type Span, type TracesRequest } from '@periscope/model'
import { HEADERS, type BusRecord } from '@periscope/pipeline'

/**
 * The start of the previous UTC hour, in unix ns, fixed when this module loads; spans are one ms
 * apart from there. Recent on purpose: the store's retention TTL drops rows older than it at once.
 */
export const BASE_TIME_NS = BigInt(Math.floor(Date.now() / 3_600_000) - 1) * 3_600_000_000_000n

function idBytes(length: number, seed: number, salt: number): Uint8Array {
  const out = new Uint8Array(length)
  let x = (seed * 2654435761 + salt * 40503 + 1) >>> 0
  for (let i = 0; i < length; i++) {
    x = (x ^ (x << 13)) >>> 0
    x = (x ^ (x >>> 17)) >>> 0
    x = (x ^ (x << 5)) >>> 0
    out[i] = x & 0xff
  }
  out[0] = (out[0]! | 1) & 0xff // never all zeros
  // make ids unique per seed: the seed's bytes at the end
  const view = new DataView(out.buffer)
  view.setUint32(length - 4, seed >>> 0)
  return out
}

export function spanOf(seq: number, traceSeed: number, parent: Uint8Array): Span {
  const start = BASE_TIME_NS + BigInt(seq) * 1_000_000n
  return {
    traceId: idBytes(16, traceSeed, 1),
    spanId: idBytes(8, seq, 2),
    traceState: '',
    parentSpanId: parent,
    flags: 1,
    name: `op-${seq % 7}`,
    kind: parent.length === 0 ? SpanKind.SERVER : SpanKind.INTERNAL,
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(1000 + (seq % 997) * 1000),
    attributes: [
      { key: 'seq', value: { type: 'int', value: BigInt(seq) } },
      { key: 'http.route', value: { type: 'string', value: `/items/${seq % 13}` } },
    ],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: seq % 50 === 0 ? 2 : 0, message: '' },
  }
}

/** One trace of `count` spans with seqs firstSeq .. firstSeq+count-1. */
export function traceRequest(firstSeq: number, count: number, service = 'checkout'): TracesRequest {
  const spans: Span[] = []
  for (let i = 0; i < count; i++) {
    const root = spans[0]
    spans.push(spanOf(firstSeq + i, firstSeq, root ? root.spanId : new Uint8Array(0)))
  }
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { type: 'string', value: service } }], droppedAttributesCount: 0, entityRefs: [] },
        scopeSpans: [{ scope: { name: 'periscope-test', version: '1', attributes: [], droppedAttributesCount: 0 }, spans, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  }
}

export interface SpanRecordsOptions {
  firstSeq?: number
  records: number
  spansPerRecord: number
  tenantId?: string
}

/** Bus records of `records` traces; seqs run firstSeq .. firstSeq + records·spansPerRecord − 1. */
export function spanRecords(options: SpanRecordsOptions): BusRecord[] {
  const firstSeq = options.firstSeq ?? 0
  const out: BusRecord[] = []
  for (let r = 0; r < options.records; r++) {
    const seq = firstSeq + r * options.spansPerRecord
    const request = traceRequest(seq, options.spansPerRecord)
    const traceId = Buffer.from(request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId)
    out.push({
      key: Buffer.from(traceId.toString('hex')),
      value: Buffer.from(encodeTraces(request, 'protobuf')),
      headers: { [HEADERS.tenant]: options.tenantId ?? 'acme', [HEADERS.signal]: 'traces', [HEADERS.schemaVersion]: '1' },
    })
  }
  return out
}

/** A record that is not an OTLP request at all. */
export function poisonRecord(tenantId = 'acme'): BusRecord {
  return {
    key: null,
    value: Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]),
    headers: { [HEADERS.tenant]: tenantId, [HEADERS.signal]: 'traces', [HEADERS.schemaVersion]: '1' },
  }
}
