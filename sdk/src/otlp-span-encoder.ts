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
 * Invariants: the values are those of @opentelemetry/otlp-transformer — kind = API kind + 1,
 * integers as int64 and other numbers as double, null/undefined as an empty AnyValue, span and
 * link flags = trace flags | HAS_IS_REMOTE [| IS_REMOTE], scope attributes only when there are
 * some, attributes in Object.keys order; ids are converted from hex straight into the buffer.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import type { ProtobufWriter } from './protobuf-writer.ts'

const HAS_IS_REMOTE = 0x100
const IS_REMOTE = 0x200
/** A field's tag byte: (field number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32). */
const tag = (field: number, wireType: number): number => (field << 3) | wireType
/** Length bytes reserved for a span: right for bodies of 128 B .. 16 KiB, the usual size. */
const SPAN_RESERVE = 2
/** For a Resource message: up to 2 MiB without moving. */
const RESOURCE_RESERVE = 3

export type SpanResource = ReadableSpan['resource']
/** The SDK's scope type has no attributes yet; the protocol (and the reference transformer) has them. */
export type SpanScope = ReadableSpan['instrumentationScope'] & { attributes?: Record<string, unknown>; droppedAttributesCount?: number }

/** `fieldTag` + a Span message. */
export function writeSpan(w: ProtobufWriter, fieldTag: number, s: ReadableSpan): void {
  w.byte(fieldTag)
  const at = w.begin(SPAN_RESERVE)
  const ctx = s.spanContext()
  w.byte(tag(1, 2))
  w.hexBytes(ctx.traceId)
  w.byte(tag(2, 2))
  w.hexBytes(ctx.spanId)
  const traceState = ctx.traceState?.serialize()
  if (traceState) {
    w.byte(tag(3, 2))
    w.string(traceState)
  }
  const parent = s.parentSpanContext
  if (parent?.spanId) {
    w.byte(tag(4, 2))
    w.hexBytes(parent.spanId)
  }
  w.byte(tag(5, 2))
  w.string(s.name)
  const kind = s.kind == null ? 0 : s.kind + 1
  if (kind !== 0) {
    w.byte(tag(6, 0))
    w.varint(kind)
  }
  w.byte(tag(7, 1))
  w.hrTime(s.startTime)
  w.byte(tag(8, 1))
  w.hrTime(s.endTime)
  writeAttributes(w, tag(9, 2), s.attributes)
  writeUint(w, tag(10, 0), s.droppedAttributesCount)
  const events = s.events
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    w.byte(tag(11, 2))
    const e = w.begin(1)
    w.byte(tag(1, 1))
    w.hrTime(event.time)
    w.byte(tag(2, 2))
    w.string(event.name)
    writeAttributes(w, tag(3, 2), event.attributes)
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
    writeAttributes(w, tag(4, 2), link.attributes)
    writeUint(w, tag(5, 0), link.droppedAttributesCount)
    w.byte(tag(6, 5))
    w.fixed32((link.context.traceFlags & 0xff) | HAS_IS_REMOTE | (link.context.isRemote ? IS_REMOTE : 0))
    w.end(l, 1)
  }
  writeUint(w, tag(14, 0), s.droppedLinksCount)
  const status = s.status
  w.byte(tag(15, 2))
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
  // field 16 needs a two-byte tag
  w.byte(0x85)
  w.byte(0x01)
  w.fixed32((ctx.traceFlags & 0xff) | HAS_IS_REMOTE | (parent?.isRemote ? IS_REMOTE : 0))
  w.end(at, SPAN_RESERVE)
}

/** `fieldTag` + a Resource message. */
export function writeResource(w: ProtobufWriter, fieldTag: number, resource: SpanResource): void {
  w.byte(fieldTag)
  const at = w.begin(RESOURCE_RESERVE)
  writeAttributes(w, tag(1, 2), resource.attributes)
  w.end(at, RESOURCE_RESERVE)
}

/** `fieldTag` + an InstrumentationScope message. */
export function writeScope(w: ProtobufWriter, fieldTag: number, scope: SpanScope): void {
  w.byte(fieldTag)
  const at = w.begin(1)
  w.byte(tag(1, 2))
  w.string(scope.name)
  if (scope.version !== undefined) {
    w.byte(tag(2, 2))
    w.string(scope.version)
  }
  if (scope.attributes !== undefined && Object.keys(scope.attributes).length > 0) {
    writeAttributes(w, tag(3, 2), scope.attributes)
    writeUint(w, tag(4, 0), scope.droppedAttributesCount)
  }
  w.end(at, 1)
}

/** `fieldTag` + a string, when the string is not empty (proto3 leaves defaults out). */
export function writeStringField(w: ProtobufWriter, fieldTag: number, value: string | undefined): void {
  if (!value) return
  w.byte(fieldTag)
  w.string(value)
}

/** KeyValue fields under `fieldTag`, one per own enumerable key. */
function writeAttributes(w: ProtobufWriter, fieldTag: number, attrs: Readonly<Record<string, unknown>> | undefined): void {
  if (attrs === undefined) return
  const keys = Object.keys(attrs)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    w.byte(fieldTag)
    const kv = w.begin(1)
    w.byte(tag(1, 2))
    w.string(key)
    w.byte(tag(2, 2))
    const v = w.begin(1)
    writeAnyValue(w, attrs[key])
    w.end(v, 1)
    w.end(kv, 1)
  }
}

/** The fields of an AnyValue (the caller opened the message). */
function writeAnyValue(w: ProtobufWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      w.byte(tag(1, 2))
      return w.string(value)
    case 'number':
      if (Number.isInteger(value)) {
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
    writeAttributes(w, tag(1, 2), value as Record<string, unknown>)
    return w.end(list, 1)
  }
  // null/undefined: an empty AnyValue, as the reference transformer writes
}

function writeUint(w: ProtobufWriter, fieldTag: number, value: number | undefined): void {
  if (value === undefined || value === 0) return
  w.byte(fieldTag)
  w.varint(value)
}
