/**
 * Trace records (records.ts: a request's spans grouped by partition, or by trace) for protobuf
 * traces without re-encoding: the bytes of each span are copied from the request body as they
 * arrived, and only the small containers around them are written.
 *
 * Wire format relied on (opentelemetry-proto, collector/trace/v1 and trace/v1):
 *   ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
 *   ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
 *   ScopeSpans    { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
 * A record is an ExportTraceServiceRequest whose ResourceSpans/ScopeSpans carry every field of
 * the original container except its scope_spans/spans (copied verbatim, in order, so repeated
 * occurrences merge exactly as they did in the request) and only the record's spans.
 *
 * Invariants:
 * - a record decodes to the same request the encode path (splitBySize) would produce for the
 *   same spans, except that unknown fields the client sent are kept (receivers skip them);
 * - a span changed by validation (truncation, cleared parent) is re-encoded from its decoded
 *   form, never copied; a changed resource or scope makes the caller use the encode path;
 * - the layout is trusted only if it matches the decoded request item for item; any surprise
 *   (group wire types, counts that differ) returns null and the caller uses the encode path.
 */
import { encodeTraces, type ResourceSpans, type ScopeSpans, type Span, type TracesRequest } from '@periscope/model'

/** Where each part of a decoded request sits in its body. */
export interface TraceSlices {
  /** the Span message bytes (without tag and length) of every span */
  span: Map<Span, Uint8Array>
  /** the raw fields (tag included) of each ResourceSpans / ScopeSpans other than their children */
  head: Map<ResourceSpans | ScopeSpans, Uint8Array[]>
}

interface Cursor {
  bytes: Uint8Array
  pos: number
}

function readVarint(c: Cursor): number {
  let result = 0
  let shift = 0
  for (;;) {
    if (c.pos >= c.bytes.length || shift > 49) return -1
    const b = c.bytes[c.pos++]!
    result += (b & 0x7f) * 2 ** shift
    if ((b & 0x80) === 0) return result
    shift += 7
  }
}

interface Field {
  no: number
  /** start of the tag */
  start: number
  /** for length-delimited fields: start and end of the content */
  contentStart: number
  end: number
}

/** Splits a message into fields; null when it is not well-formed or uses groups. */
function fields(bytes: Uint8Array, from: number, to: number): Field[] | null {
  const c: Cursor = { bytes, pos: from }
  const out: Field[] = []
  while (c.pos < to) {
    const start = c.pos
    const tag = readVarint(c)
    if (tag < 0) return null
    const wire = tag & 7
    let contentStart = c.pos
    if (wire === 0) {
      if (readVarint(c) < 0) return null
    } else if (wire === 1) c.pos += 8
    else if (wire === 5) c.pos += 4
    else if (wire === 2) {
      const length = readVarint(c)
      if (length < 0) return null
      contentStart = c.pos
      c.pos += length
    } else return null
    if (c.pos > to) return null
    out.push({ no: Math.floor(tag / 8), start, contentStart, end: c.pos })
  }
  return out
}

function isLen(bytes: Uint8Array, f: Field): boolean {
  return (bytes[f.start]! & 7) === 2
}

/**
 * The slices of a protobuf traces body, matched against its decoded request; null when they do
 * not match item for item (the caller then encodes instead).
 */
export function traceSlices(body: Uint8Array, request: TracesRequest): TraceSlices | null {
  const top = fields(body, 0, body.length)
  if (!top) return null
  const span = new Map<Span, Uint8Array>()
  const head = new Map<ResourceSpans | ScopeSpans, Uint8Array[]>()
  let r = 0
  for (const rf of top) {
    if (rf.no !== 1) continue // ExportTraceServiceRequest has no other field: skipped, as a decoder does
    if (!isLen(body, rf)) return null
    const rs = request.resourceSpans[r++]
    const rFields = fields(body, rf.contentStart, rf.end)
    if (!rs || !rFields) return null
    const rHead: Uint8Array[] = []
    let s = 0
    for (const sf of rFields) {
      if (sf.no !== 2) {
        rHead.push(body.subarray(sf.start, sf.end))
        continue
      }
      if (!isLen(body, sf)) return null
      const ss = rs.scopeSpans[s++]
      const sFields = fields(body, sf.contentStart, sf.end)
      if (!ss || !sFields) return null
      const sHead: Uint8Array[] = []
      let i = 0
      for (const f of sFields) {
        if (f.no !== 2) {
          sHead.push(body.subarray(f.start, f.end))
          continue
        }
        if (!isLen(body, f)) return null
        const item = ss.spans[i++]
        if (!item) return null
        span.set(item, body.subarray(f.contentStart, f.end))
      }
      if (i !== ss.spans.length) return null
      head.set(ss, sHead)
    }
    if (s !== rs.scopeSpans.length) return null
    head.set(rs, rHead)
  }
  if (r !== request.resourceSpans.length) return null
  return { span, head }
}

/** The Span message bytes of a span, encoded from its decoded form. */
export function encodeSpan(span: Span): Uint8Array | null {
  const bytes = encodeTraces({ resourceSpans: [{ resource: null, scopeSpans: [{ scope: null, spans: [span], schemaUrl: '' }], schemaUrl: '' }] }, 'protobuf')
  const slices = traceSlices(bytes, { resourceSpans: [{ resource: null, scopeSpans: [{ scope: null, spans: [span], schemaUrl: '' }], schemaUrl: '' }] })
  return slices?.span.get(span) ?? null
}

function varintLength(n: number): number {
  let length = 1
  while (n >= 0x80) {
    n = Math.floor(n / 128)
    length++
  }
  return length
}

function writeVarint(out: Buffer, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n & 0x7f) | 0x80
    n = Math.floor(n / 128)
  }
  out[pos++] = n
  return pos
}

/** One span of a trace with the containers it came in. */
export interface SpanEntry {
  rs: ResourceSpans
  ss: ScopeSpans
  bytes: Uint8Array
}

function sum(parts: Uint8Array[]): number {
  let n = 0
  for (const p of parts) n += p.length
  return n
}

/** a length prefix of a container is at most this many bytes (lengths stay far below 2^35) */
const MAX_LENGTH_VARINT_BYTES = 5

/**
 * Cuts `entries` into runs whose records (writeTraceRecord) each fit `maxBytes`, in order; null
 * when one entry with its containers alone may not fit. Sizes are upper bounds (every container
 * length prefix counted at its longest), so a run may come out a few bytes smaller than it could.
 */
export function recordChunks(entries: SpanEntry[], head: TraceSlices['head'], maxBytes: number): SpanEntry[][] | null {
  const chunks: SpanEntry[][] = []
  let chunk: SpanEntry[] = []
  let size = 0
  let last: SpanEntry | null = null
  for (const entry of entries) {
    const own = 1 + varintLength(entry.bytes.length) + entry.bytes.length
    const scopeHead = 1 + MAX_LENGTH_VARINT_BYTES + sum(head.get(entry.ss)!)
    const newResource = last === null || last.rs !== entry.rs
    const resourceHead = newResource || size + own + scopeHead > maxBytes ? 1 + MAX_LENGTH_VARINT_BYTES + sum(head.get(entry.rs)!) : 0
    let add = own + (newResource ? resourceHead + scopeHead : last!.ss !== entry.ss ? scopeHead : 0)
    if (last !== null && size + add > maxBytes) {
      chunks.push(chunk)
      chunk = []
      size = 0
      add = own + resourceHead + scopeHead
    }
    if (chunk.length === 0 && add > maxBytes) return null
    chunk.push(entry)
    size += add
    last = entry
  }
  if (chunk.length > 0) chunks.push(chunk)
  return chunks
}

/**
 * Writes the ExportTraceServiceRequest holding `entries` (consecutive entries with the same
 * containers share them, as the model's build does).
 */
export function writeTraceRecord(entries: SpanEntry[], head: TraceSlices['head']): Buffer {
  // pass 1: sizes of each scope and resource block, in order
  const scopeSizes: number[] = []
  const resourceSizes: number[] = []
  let total = 0
  for (let i = 0; i < entries.length; ) {
    const rs = entries[i]!.rs
    let resourceSize = sum(head.get(rs)!)
    while (i < entries.length && entries[i]!.rs === rs) {
      const ss = entries[i]!.ss
      let scopeSize = sum(head.get(ss)!)
      while (i < entries.length && entries[i]!.rs === rs && entries[i]!.ss === ss) {
        const n = entries[i]!.bytes.length
        scopeSize += 1 + varintLength(n) + n
        i++
      }
      scopeSizes.push(scopeSize)
      resourceSize += 1 + varintLength(scopeSize) + scopeSize
    }
    resourceSizes.push(resourceSize)
    total += 1 + varintLength(resourceSize) + resourceSize
  }
  // pass 2: write
  const out = Buffer.allocUnsafe(total)
  let pos = 0
  let scopeIndex = 0
  let resourceIndex = 0
  for (let i = 0; i < entries.length; ) {
    const rs = entries[i]!.rs
    out[pos++] = 0x0a // field 1, length-delimited
    pos = writeVarint(out, pos, resourceSizes[resourceIndex++]!)
    for (const part of head.get(rs)!) {
      out.set(part, pos)
      pos += part.length
    }
    while (i < entries.length && entries[i]!.rs === rs) {
      const ss = entries[i]!.ss
      out[pos++] = 0x12 // field 2, length-delimited
      pos = writeVarint(out, pos, scopeSizes[scopeIndex++]!)
      for (const part of head.get(ss)!) {
        out.set(part, pos)
        pos += part.length
      }
      while (i < entries.length && entries[i]!.rs === rs && entries[i]!.ss === ss) {
        const bytes = entries[i]!.bytes
        out[pos++] = 0x12
        pos = writeVarint(out, pos, bytes.length)
        out.set(bytes, pos)
        pos += bytes.length
        i++
      }
    }
  }
  return out
}
