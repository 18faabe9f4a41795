/**
 * OTLP protobuf encoding of finished spans, written straight from the SDK's ReadableSpan into one
 * buffer: the wire format of `opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest`
 * (OTLP 1.x), without the intermediate object tree the generic transformer builds (which is most
 * of an export's CPU and garbage).
 *
 * Layout (field numbers of the .proto files):
 *   ExportTraceServiceRequest { 1 resource_spans: ResourceSpans* }
 *   ResourceSpans { 1 resource: Resource{1 attributes, 2 dropped_attributes_count}, 2 scope_spans*, 3 schema_url }
 *   ScopeSpans    { 1 scope: InstrumentationScope{1 name, 2 version, 3 attributes, 4 dropped}, 2 spans*, 3 schema_url }
 *   Span { 1 trace_id, 2 span_id, 3 trace_state, 4 parent_span_id, 5 name, 6 kind, 7 start fixed64,
 *          8 end fixed64, 9 attributes*, 10 dropped_attributes_count, 11 events*, 12 dropped_events_count,
 *          13 links*, 14 dropped_links_count, 15 status{2 message, 3 code}, 16 flags fixed32 }
 *   Event { 1 time fixed64, 2 name, 3 attributes*, 4 dropped }   Link { 1 trace_id, 2 span_id, 3 trace_state, 4 attributes*, 5 dropped, 6 flags fixed32 }
 *   KeyValue { 1 key, 2 value: AnyValue{1 string, 2 bool, 3 int64, 4 double, 5 array{1 values*}, 6 kvlist{1 values*}, 7 bytes} }
 *
 * Invariants: the values are those of @opentelemetry/otlp-transformer (kind = API kind + 1,
 * integers as int64 and other numbers as double, span flags = trace flags | HAS_IS_REMOTE
 * [| IS_REMOTE]); spans are grouped by resource object, then by scope name@version:schemaUrl, in
 * first-seen order; every length prefix is a minimal varint (a nested message is written after a
 * 5-byte gap, then moved down over the unused part of the gap; short ASCII key/values are sized
 * up front instead).
 */
import type { HrTime } from '@opentelemetry/api'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'

const HAS_IS_REMOTE = 0x100
const IS_REMOTE = 0x200
const TWO_32 = 0x1_0000_0000
const LENGTH_GAP = 5
/** Nibble value by character code, for the hex ids OpenTelemetry keeps as strings. */
const HEX_VALUE = new Uint8Array(128)
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i
for (let i = 0; i < 6; i++) {
  HEX_VALUE[65 + i] = 10 + i
  HEX_VALUE[97 + i] = 10 + i
}

class Writer {
  buf: Buffer
  pos = 0

  constructor(initialBytes: number) {
    this.buf = Buffer.allocUnsafe(initialBytes)
  }

  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes))
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }

  /** Unsigned varint of a non-negative integer up to 2^53. */
  varint(value: number): void {
    this.ensure(10)
    const buf = this.buf
    let v = value
    while (v >= 0x80) {
      buf[this.pos++] = (v % 0x80) | 0x80
      v = Math.floor(v / 0x80)
    }
    buf[this.pos++] = v
  }

  /** int64 as varint: negative values are 64-bit two's complement (10 bytes). */
  int64(value: number): void {
    if (value >= 0) return this.varint(value)
    this.ensure(10)
    let hi = Math.floor(value / TWO_32)
    let lo = value - hi * TWO_32
    hi = hi >>> 0
    const buf = this.buf
    for (let i = 0; i < 9; i++) {
      buf[this.pos++] = (lo & 0x7f) | 0x80
      lo = (lo >>> 7) | ((hi & 0x7f) << 25)
      hi = hi >>> 7
    }
    buf[this.pos++] = lo & 0x01
  }

  tag(field: number, wireType: number): void {
    const tag = (field << 3) | wireType
    if (tag < 0x80) {
      this.ensure(1)
      this.buf[this.pos++] = tag
    } else {
      // field 16 (span flags) and up
      this.varint(tag)
    }
  }

  string(field: number, value: string): void {
    this.tag(field, 2)
    const length = value.length
    this.ensure(length * 3 + LENGTH_GAP)
    const buf = this.buf
    if (length < 128) {
      // ASCII fast path: one byte per character and a one-byte length
      const start = this.pos + 1
      let i = 0
      for (; i < length; i++) {
        const c = value.charCodeAt(i)
        if (c >= 0x80) break
        buf[start + i] = c
      }
      if (i === length) {
        buf[this.pos] = length
        this.pos = start + length
        return
      }
    }
    const n = Buffer.byteLength(value)
    this.varint(n)
    this.pos += this.buf.write(value, this.pos)
  }

  hexBytes(field: number, hex: string): void {
    const n = hex.length >> 1
    this.tag(field, 2)
    this.ensure(n + 1)
    const buf = this.buf
    buf[this.pos++] = n
    for (let i = 0; i < n; i++) {
      const hi = HEX_VALUE[hex.charCodeAt(2 * i)] ?? 0
      const lo = HEX_VALUE[hex.charCodeAt(2 * i + 1)] ?? 0
      buf[this.pos++] = (hi << 4) | lo
    }
  }

  rawBytes(field: number, bytes: Uint8Array): void {
    this.tag(field, 2)
    this.varint(bytes.length)
    this.ensure(bytes.length)
    this.buf.set(bytes, this.pos)
    this.pos += bytes.length
  }

  fixed32(field: number, value: number): void {
    this.tag(field, 5)
    this.ensure(4)
    this.buf.writeUInt32LE(value >>> 0, this.pos)
    this.pos += 4
  }

  double(field: number, value: number): void {
    this.tag(field, 1)
    this.ensure(8)
    this.buf.writeDoubleLE(value, this.pos)
    this.pos += 8
  }

  /** HrTime [seconds, nanoseconds] as fixed64 nanoseconds, exact without BigInt. */
  hrTime(field: number, time: HrTime): void {
    this.tag(field, 1)
    this.ensure(8)
    const [seconds, nanos] = time
    // seconds * 1e9 + nanos over 32-bit words: 1e9 = 15258 * 2^16 + 51712, seconds = s1 * 2^16 + s0
    const s1 = Math.floor(seconds / 0x10000)
    const s0 = seconds - s1 * 0x10000
    const a = s1 * 1e9 // < 2^46; the value holds a * 2^16
    const aHigh = Math.floor(a / 0x10000)
    const aLow16 = a - aHigh * 0x10000
    const b = s0 * 1e9 + nanos // < 2^47
    const bHigh = Math.floor(b / TWO_32)
    let lo = aLow16 * 0x10000 + (b - bHigh * TWO_32)
    const carry = Math.floor(lo / TWO_32)
    lo -= carry * TWO_32
    this.buf.writeUInt32LE(lo, this.pos)
    this.buf.writeUInt32LE((aHigh + bHigh + carry) >>> 0, this.pos + 4)
    this.pos += 8
  }

  /** Starts a length-delimited field; returns where its gap begins. */
  begin(field: number): number {
    this.tag(field, 2)
    this.ensure(LENGTH_GAP)
    const at = this.pos
    this.pos += LENGTH_GAP
    return at
  }

  /** Ends the field begun at `at`: writes its minimal length and closes the gap. */
  end(at: number): void {
    const bodyStart = at + LENGTH_GAP
    const length = this.pos - bodyStart
    let lengthBytes = 1
    for (let v = length; v >= 0x80; v = Math.floor(v / 0x80)) lengthBytes++
    const save = this.pos
    this.pos = at
    this.varint(length)
    this.pos = save
    const shift = LENGTH_GAP - lengthBytes
    if (shift > 0) {
      const buf = this.buf
      if (length < 64) {
        // a native call costs more than moving a small body by hand
        for (let i = at + lengthBytes, j = bodyStart; j < save; i++, j++) buf[i] = buf[j]!
      } else {
        buf.copyWithin(at + lengthBytes, bodyStart, save)
      }
      this.pos -= shift
    }
  }
}

function anyValue(w: Writer, value: unknown): void {
  switch (typeof value) {
    case 'string':
      return w.string(1, value)
    case 'boolean':
      w.tag(2, 0)
      return w.varint(value ? 1 : 0)
    case 'number':
      if (Number.isInteger(value)) {
        w.tag(3, 0)
        return w.int64(value)
      }
      return w.double(4, value)
    default:
      break
  }
  if (value instanceof Uint8Array) return w.rawBytes(7, value)
  if (Array.isArray(value)) {
    const array = w.begin(5)
    for (const item of value) {
      const v = w.begin(1)
      anyValue(w, item)
      w.end(v)
    }
    return w.end(array)
  }
  if (value !== null && typeof value === 'object') {
    const list = w.begin(6)
    for (const key of Object.keys(value)) keyValue(w, 1, key, (value as Record<string, unknown>)[key])
    return w.end(list)
  }
  // null/undefined: an empty AnyValue, as the reference transformer writes
}

function keyValue(w: Writer, field: number, key: string, value: unknown): void {
  if (typeof value === 'string' && key.length < 128 && value.length < 124 && isAscii(key) && isAscii(value)) {
    // the common case, sized up front: KeyValue{1 key, 2 AnyValue{1 string}} with one-byte lengths
    const anyLength = 2 + value.length
    const kvLength = 2 + key.length + 2 + anyLength
    if (kvLength < 128) {
      w.tag(field, 2)
      w.ensure(1)
      w.buf[w.pos++] = kvLength
      w.string(1, key)
      w.tag(2, 2)
      w.ensure(1)
      w.buf[w.pos++] = anyLength
      w.string(1, value)
      return
    }
  }
  const kv = w.begin(field)
  w.string(1, key)
  const v = w.begin(2)
  anyValue(w, value)
  w.end(v)
  w.end(kv)
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false
  return true
}

function attributes(w: Writer, field: number, attrs: Record<string, unknown> | undefined): void {
  if (attrs === undefined) return
  for (const key of Object.keys(attrs)) keyValue(w, field, key, attrs[key])
}

function uint(w: Writer, field: number, value: number | undefined): void {
  if (value === undefined || value === 0) return
  w.tag(field, 0)
  w.varint(value)
}

function span(w: Writer, s: ReadableSpan): void {
  const at = w.begin(2)
  const ctx = s.spanContext()
  w.hexBytes(1, ctx.traceId)
  w.hexBytes(2, ctx.spanId)
  const traceState = ctx.traceState?.serialize()
  if (traceState) w.string(3, traceState)
  const parent = s.parentSpanContext
  if (parent?.spanId) w.hexBytes(4, parent.spanId)
  w.string(5, s.name)
  w.tag(6, 0)
  w.varint(s.kind + 1)
  w.hrTime(7, s.startTime)
  w.hrTime(8, s.endTime)
  attributes(w, 9, s.attributes)
  uint(w, 10, s.droppedAttributesCount)
  for (const event of s.events) {
    const e = w.begin(11)
    w.hrTime(1, event.time)
    w.string(2, event.name)
    attributes(w, 3, event.attributes)
    uint(w, 4, event.droppedAttributesCount)
    w.end(e)
  }
  uint(w, 12, s.droppedEventsCount)
  for (const link of s.links) {
    const l = w.begin(13)
    w.hexBytes(1, link.context.traceId)
    w.hexBytes(2, link.context.spanId)
    const linkState = link.context.traceState?.serialize()
    if (linkState) w.string(3, linkState)
    attributes(w, 4, link.attributes)
    uint(w, 5, link.droppedAttributesCount)
    w.fixed32(6, (link.context.traceFlags & 0xff) | HAS_IS_REMOTE | (link.context.isRemote ? IS_REMOTE : 0))
    w.end(l)
  }
  uint(w, 14, s.droppedLinksCount)
  const status = w.begin(15)
  if (s.status.message) w.string(2, s.status.message)
  if (s.status.code !== 0) {
    w.tag(3, 0)
    w.varint(s.status.code)
  }
  w.end(status)
  w.fixed32(16, (ctx.traceFlags & 0xff) | HAS_IS_REMOTE | (parent?.isRemote ? IS_REMOTE : 0))
  w.end(at)
}

/** Encodes spans as one ExportTraceServiceRequest. */
export function encodeTraceRequest(spans: readonly ReadableSpan[]): Uint8Array {
  // group by resource object, then scope, keeping first-seen order
  const byResource = new Map<ReadableSpan['resource'], Map<string, ReadableSpan[]>>()
  for (const s of spans) {
    let scopes = byResource.get(s.resource)
    if (scopes === undefined) {
      scopes = new Map()
      byResource.set(s.resource, scopes)
    }
    const scope = s.instrumentationScope
    const key = `${scope.name}@${scope.version ?? ''}:${scope.schemaUrl ?? ''}`
    let list = scopes.get(key)
    if (list === undefined) {
      list = []
      scopes.set(key, list)
    }
    list.push(s)
  }
  const w = new Writer(Math.max(1024, spans.length * 512))
  for (const [resource, scopes] of byResource) {
    const rs = w.begin(1)
    const r = w.begin(1)
    attributes(w, 1, resource.attributes as Record<string, unknown>)
    w.end(r)
    for (const list of scopes.values()) {
      const first = list[0]!.instrumentationScope
      const ss = w.begin(2)
      const sc = w.begin(1)
      w.string(1, first.name)
      if (first.version !== undefined) w.string(2, first.version)
      w.end(sc)
      for (const s of list) span(w, s)
      if (first.schemaUrl) w.string(3, first.schemaUrl)
      w.end(ss)
    }
    if (resource.schemaUrl) w.string(3, resource.schemaUrl)
    w.end(rs)
  }
  return w.buf.subarray(0, w.pos)
}
