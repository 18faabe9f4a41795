/**
 * The protobuf messages of one span and of its resource and scope, as OTLP 1.x defines them
 * (opentelemetry/proto/trace/v1/trace.proto, common/v1/common.proto, resource/v1/resource.proto):
 *
 *   Span { 1 trace_id, 2 span_id, 3 trace_state, 4 parent_span_id, 5 name, 6 kind, 7 start fixed64,
 *          8 end fixed64, 9 attributes*, 10 dropped_attributes_count, 11 events*, 12 dropped_events_count,
 *          13 links*, 14 dropped_links_count, 15 status{2 message, 3 code}, 16 flags fixed32 }
 *   Event { 1 time fixed64, 2 name, 3 attributes*, 4 dropped }
 *   Link  { 1 trace_id, 2 span_id, 3 trace_state, 4 attributes*, 5 dropped, 6 flags fixed32 }
 *   Resource { 1 attributes*, 2 dropped_attributes_count }
 *   InstrumentationScope { 1 name, 2 version, 3 attributes*, 4 dropped_attributes_count }
 *   KeyValue { 1 key, 2 value: AnyValue{1 string, 2 bool, 3 int64, 4 double, 5 array{1 values*}, 6 kvlist{1 values*}, 7 bytes} }
 *
 * Invariants: the values are those of the official protobuf serializer of
 * @opentelemetry/otlp-transformer — kind = API kind + 1, integers in the int64 range as int64 and
 * other numbers as double, null/undefined (and other types) as an empty AnyValue, span and link
 * flags = trace flags | HAS_IS_REMOTE [| IS_REMOTE], attributes as own enumerable keys in for-in
 * order; ids are converted from hex straight into the buffer (non-hex digits count as 0).
 *
 * An EncodeCache remembers the bytes of what repeats from span to span — attribute keys, whole
 * key/value pairs of keys with few distinct values (method, route, status code, db system…), span
 * names, the previous trace id and parent span id — so they are copied rather than re-encoded
 * character by character. It is bounded: at most MAX_CACHED_KEYS keys and MAX_CACHED_NAMES names
 * are learned, entries of at most MAX_CACHED_BYTES (so ≤ 2.3 MiB in all), and a key stops caching
 * values (keeping only its own bytes) at its MAX_VALUES_PER_KEY+1st distinct value, so
 * high-cardinality values (paths, ids) are simply encoded. Values are looked up by SameValueZero,
 * under which equal values always have equal encodings (0 and -0 both encode as int 0).
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { hexIdSize, NATIVE_STRING_CHARS, putFixed32, putHexId, putHrTime, type ProtobufWriter } from './protobuf-writer.ts'

const HAS_IS_REMOTE = 0x100
const IS_REMOTE = 0x200
/** A field's tag byte: (field number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32). */
const tag = (field: number, wireType: number): number => (field << 3) | wireType
/** Length bytes reserved for a span: right for bodies of 128 B .. 16 KiB, the usual size. */
const SPAN_RESERVE = 2
/** For a Resource message: up to 2 MiB without moving. */
const RESOURCE_RESERVE = 3

const hasOwnProperty = Object.prototype.hasOwnProperty
/** Integers in the int64 range are int_value, other numbers double_value. */
const MIN_INT64 = -(2 ** 63)
const MAX_INT64 = 2 ** 63
const MAX_CACHED_KEYS = 256
const MAX_VALUES_PER_KEY = 32
const MAX_CACHED_NAMES = 1024
/** Longer strings and pairs are not worth a cache entry. */
const MAX_CACHED_BYTES = 256

export type SpanResource = ReadableSpan['resource']
/** The SDK's scope type has no attributes yet; the protocol (and the reference transformer) has them. */
export type SpanScope = ReadableSpan['instrumentationScope'] & { attributes?: Record<string, unknown>; droppedAttributesCount?: number }

interface KeyEntry {
  /** KeyValue.key: tag, length, UTF-8. */
  key: Uint8Array
  /** Whole KeyValue messages (length prefix and body) by value, until the key has too many values. */
  values: Map<string | number | boolean, Uint8Array> | undefined
}

export class EncodeCache {
  readonly keys = new Map<string, KeyEntry>()
  readonly names = new Map<string, Uint8Array>()
  lastTraceId = ''
  readonly lastTraceIdBytes = new Uint8Array(16)
  lastParentId = ''
  readonly lastParentIdBytes = new Uint8Array(8)

  /** The entry of an attribute key, learned now if there is room. */
  keyEntry(w: ProtobufWriter, key: string): KeyEntry | undefined {
    const entry = this.keys.get(key)
    if (entry !== undefined || this.keys.size >= MAX_CACHED_KEYS) return entry
    const start = w.pos
    w.byte(tag(1, 2))
    w.string(key)
    const end = w.pos
    w.pos = start
    if (end - start > MAX_CACHED_BYTES) return undefined
    const learned: KeyEntry = { key: Uint8Array.prototype.slice.call(w.buf, start, end), values: new Map() }
    this.keys.set(key, learned)
    return learned
  }

  /** A length-prefixed string that is likely to repeat (names). */
  name(w: ProtobufWriter, value: string): void {
    const bytes = this.names.get(value)
    if (bytes !== undefined) return w.copy(bytes)
    const start = w.pos
    w.string(value)
    if (this.names.size < MAX_CACHED_NAMES && w.pos - start <= MAX_CACHED_BYTES) this.names.set(value, Uint8Array.prototype.slice.call(w.buf, start, w.pos))
  }

  /**
   * putHexId for span ids: a child ends before its parent, so the parent id a child carries is
   * kept for the children that follow and for the parent's own span id.
   */
  putSpanId(buf: Uint8Array, p: number, spanId: string, isParent: boolean): number {
    const last = this.lastParentIdBytes
    if (spanId === this.lastParentId) {
      buf[p++] = 8
      buf.set(last, p)
      return p + 8
    }
    const end = putHexId(buf, p, spanId)
    if (isParent && end - p === 9) {
      this.lastParentId = spanId
      last.set(buf.subarray(p + 1, end))
    }
    return end
  }

  /** putHexId for trace ids: spans of one trace tend to end together, so the last one is kept. */
  putTraceId(buf: Uint8Array, p: number, traceId: string): number {
    const last = this.lastTraceIdBytes
    if (traceId === this.lastTraceId) {
      buf[p++] = 16
      buf.set(last, p)
      return p + 16
    }
    const end = putHexId(buf, p, traceId)
    if (end - p === 17) {
      this.lastTraceId = traceId
      last.set(buf.subarray(p + 1, end))
    }
    return end
  }
}

/** `fieldTag` + a Span message. */
export function writeSpan(w: ProtobufWriter, fieldTag: number, s: ReadableSpan, cache: EncodeCache): void {
  const ctx = s.spanContext()
  const parent = s.parentSpanContext
  const parentId = parent?.spanId
  const traceState = ctx.traceState?.serialize()
  // The fixed-size head under one ensure: tag, length gap, trace id, span id[, parent span id].
  w.ensure(4 + hexIdSize(ctx.traceId) + hexIdSize(ctx.spanId) + (parentId ? hexIdSize(parentId) : 0))
  let buf = w.buf
  let p = w.pos
  buf[p++] = fieldTag
  const at = p
  p += SPAN_RESERVE
  buf[p++] = tag(1, 2)
  p = cache.putTraceId(buf, p, ctx.traceId)
  buf[p++] = tag(2, 2)
  p = cache.putSpanId(buf, p, ctx.spanId, false)
  if (traceState) {
    w.pos = p
    w.byte(tag(3, 2))
    w.string(traceState)
    if (parentId) w.ensure(1 + hexIdSize(parentId))
    buf = w.buf
    p = w.pos
  }
  if (parentId) {
    buf[p++] = tag(4, 2)
    p = cache.putSpanId(buf, p, parentId, true)
  }
  w.pos = p
  w.byte(tag(5, 2))
  cache.name(w, s.name)
  const kind = s.kind == null ? 0 : s.kind + 1
  if (kind !== 0) {
    w.byte(tag(6, 0))
    w.varint(kind)
  }
  w.ensure(18)
  buf = w.buf
  p = w.pos
  buf[p++] = tag(7, 1)
  p = putHrTime(buf, p, s.startTime)
  buf[p++] = tag(8, 1)
  p = putHrTime(buf, p, s.endTime)
  w.pos = p
  writeAttributes(w, tag(9, 2), s.attributes, cache)
  writeUint(w, tag(10, 0), s.droppedAttributesCount)
  const events = s.events
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    w.byte(tag(11, 2))
    const e = w.begin(1)
    w.byte(tag(1, 1))
    w.hrTime(event.time)
    w.byte(tag(2, 2))
    cache.name(w, event.name)
    writeAttributes(w, tag(3, 2), event.attributes, cache)
    writeUint(w, tag(4, 0), event.droppedAttributesCount)
    w.end(e, 1)
  }
  writeUint(w, tag(12, 0), s.droppedEventsCount)
  const links = s.links
  for (let i = 0; i < links.length; i++) {
    const link = links[i]!
    w.byte(tag(13, 2))
    const l = w.begin(1)
    w.byte(tag(1, 2))
    w.hexBytes(link.context.traceId)
    w.byte(tag(2, 2))
    w.hexBytes(link.context.spanId)
    const linkState = link.context.traceState?.serialize()
    if (linkState) {
      w.byte(tag(3, 2))
      w.string(linkState)
    }
    writeAttributes(w, tag(4, 2), link.attributes, cache)
    writeUint(w, tag(5, 0), link.droppedAttributesCount)
    w.byte(tag(6, 5))
    w.fixed32((link.context.traceFlags & 0xff) | HAS_IS_REMOTE | (link.context.isRemote ? IS_REMOTE : 0))
    w.end(l, 1)
  }
  writeUint(w, tag(14, 0), s.droppedLinksCount)
  const status = s.status
  w.byte(tag(15, 2))
  if (status.code === 0 && !status.message) {
    // the usual, unset status: an empty message
    w.byte(0)
  } else {
    const st = w.begin(1)
    if (status.message) {
      w.byte(tag(2, 2))
      w.string(status.message)
    }
    if (status.code !== 0) {
      w.byte(tag(3, 0))
      w.varint(status.code)
    }
    w.end(st, 1)
  }
  w.ensure(6)
  buf = w.buf
  p = w.pos
  // field 16 needs a two-byte tag
  buf[p++] = 0x85
  buf[p++] = 0x01
  w.pos = putFixed32(buf, p, (ctx.traceFlags & 0xff) | HAS_IS_REMOTE | (parent?.isRemote ? IS_REMOTE : 0))
  w.end(at, SPAN_RESERVE)
}

/** `fieldTag` + a Resource message. */
export function writeResource(w: ProtobufWriter, fieldTag: number, resource: SpanResource): void {
  w.byte(fieldTag)
  const at = w.begin(RESOURCE_RESERVE)
  writeAttributes(w, tag(1, 2), resource.attributes, undefined)
  w.end(at, RESOURCE_RESERVE)
}

/** `fieldTag` + an InstrumentationScope message. */
export function writeScope(w: ProtobufWriter, fieldTag: number, scope: SpanScope): void {
  w.byte(fieldTag)
  const at = w.begin(1)
  w.byte(tag(1, 2))
  w.string(scope.name)
  writeStringField(w, tag(2, 2), scope.version)
  writeAttributes(w, tag(3, 2), scope.attributes, undefined)
  writeUint(w, tag(4, 0), scope.droppedAttributesCount)
  w.end(at, 1)
}

/** `fieldTag` + a string, when the string is not empty (proto3 leaves defaults out). */
export function writeStringField(w: ProtobufWriter, fieldTag: number, value: string | undefined): void {
  if (!value) return
  w.byte(fieldTag)
  w.string(value)
}

/** KeyValue fields under `fieldTag`, one per own enumerable key. */
function writeAttributes(w: ProtobufWriter, fieldTag: number, attrs: Readonly<Record<string, unknown>> | undefined, cache: EncodeCache | undefined): void {
  if (attrs === undefined) return
  // for-in reads a plain object's properties through its enum cache, several times faster than
  // Object.keys and keyed loads; the own-property check keeps to Object.keys' set and order
  for (const key in attrs) {
    if (!hasOwnProperty.call(attrs, key)) continue
    const value = attrs[key]
    w.byte(fieldTag)
    const entry = cache?.keyEntry(w, key)
    if (entry === undefined) {
      const kv = w.begin(1)
      w.byte(tag(1, 2))
      w.string(key)
      writeValueField(w, value)
      w.end(kv, 1)
      continue
    }
    const values = entry.values
    const cacheable = values !== undefined && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    if (cacheable) {
      const known = values.get(value)
      if (known !== undefined) {
        w.copy(known)
        continue
      }
    }
    const start = w.pos
    if (typeof value !== 'string' || !writeStringPair(w, entry.key, value)) {
      const kv = w.begin(1)
      w.copy(entry.key)
      writeValueField(w, value)
      w.end(kv, 1)
    }
    if (cacheable) {
      if (values.size >= MAX_VALUES_PER_KEY) entry.values = undefined
      else if (w.pos - start <= MAX_CACHED_BYTES) values.set(value, Uint8Array.prototype.slice.call(w.buf, start, w.pos))
    }
  }
}

/**
 * A KeyValue (length prefix and body) of an encoded key and an ASCII string value, when every
 * length fits one byte — the common attribute, written in one pass. false (nothing written) otherwise.
 */
function writeStringPair(w: ProtobufWriter, key: Uint8Array, value: string): boolean {
  const n = value.length
  const length = key.length + 4 + n
  if (length >= 0x80) return false
  // room for the longest UTF-8 of the value, in case it is not ASCII after all
  w.ensure(key.length + 5 + 3 * n)
  const buf = w.buf
  let p = w.pos
  buf[p++] = length
  buf.set(key, p)
  p += key.length
  buf[p++] = tag(2, 2)
  buf[p++] = n + 2
  buf[p++] = tag(1, 2)
  buf[p++] = n
  if (n <= NATIVE_STRING_CHARS) {
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i)
      if (c >= 0x80) return false
      buf[p + i] = c
    }
  } else if (buf.write(value, p, 'utf8') !== n) {
    return false
  }
  w.pos = p + n
  return true
}

/** KeyValue.value: tag, length, AnyValue. */
function writeValueField(w: ProtobufWriter, value: unknown): void {
  w.byte(tag(2, 2))
  const v = w.begin(1)
  writeAnyValue(w, value)
  w.end(v, 1)
}

/** The fields of an AnyValue (the caller opened the message). */
function writeAnyValue(w: ProtobufWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      w.byte(tag(1, 2))
      return w.string(value)
    case 'number':
      if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
        w.byte(tag(3, 0))
        return w.int64(value)
      }
      w.byte(tag(4, 1))
      return w.double(value)
    case 'boolean':
      w.byte(tag(2, 0))
      return w.byte(value ? 1 : 0)
    default:
      break
  }
  if (value instanceof Uint8Array) {
    w.byte(tag(7, 2))
    return w.lengthPrefixed(value)
  }
  if (Array.isArray(value)) {
    w.byte(tag(5, 2))
    const array = w.begin(1)
    for (let i = 0; i < value.length; i++) {
      w.byte(tag(1, 2))
      const v = w.begin(1)
      writeAnyValue(w, value[i])
      w.end(v, 1)
    }
    return w.end(array, 1)
  }
  if (value !== null && typeof value === 'object') {
    w.byte(tag(6, 2))
    const list = w.begin(1)
    writeAttributes(w, tag(1, 2), value as Record<string, unknown>, undefined)
    return w.end(list, 1)
  }
  // null/undefined: an empty AnyValue, as the reference transformer writes
}

function writeUint(w: ProtobufWriter, fieldTag: number, value: number | undefined): void {
  if (value === undefined || value === 0) return
  w.byte(fieldTag)
  w.varint(value)
}
