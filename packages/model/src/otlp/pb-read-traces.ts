/** ExportTraceServiceRequest read by hand from protobuf (see pb-reader.ts, pb-read-common.ts). */
import { EMPTY_BYTES } from './pb-common.ts'
import { pushKeyValue, readContainers } from './pb-read-common.ts'
import type { PbReader } from './pb-reader.ts'
import type { ResourceSpans, Span, SpanEvent, SpanLink, SpanStatus, TracesRequest } from './types.ts'

/** Span.Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4 } */
function readEvent(r: PbReader, end: number): SpanEvent {
  const event: SpanEvent = { timeUnixNano: 0n, name: '', attributes: [], droppedAttributesCount: 0 }
  while (r.pos < end) {
    const tag = r.tag(end)
    if (tag === 0x09) event.timeUnixNano = r.fixed64(end)
    else if (tag === 0x12) event.name = r.string(end)
    else if (tag === 0x1a) pushKeyValue(r, end, event.attributes)
    else if (tag === 0x20) event.droppedAttributesCount = r.uint32(end)
    else r.skip(tag, end)
  }
  return event
}

/**
 * Span.Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue
 * attributes = 4; uint32 dropped_attributes_count = 5; fixed32 flags = 6 }
 */
function readLink(r: PbReader, end: number): SpanLink {
  const link: SpanLink = { traceId: EMPTY_BYTES, spanId: EMPTY_BYTES, traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 }
  while (r.pos < end) {
    const tag = r.tag(end)
    switch (tag) {
      case 0x0a:
        link.traceId = r.bytes(end)
        break
      case 0x12:
        link.spanId = r.bytes(end)
        break
      case 0x1a:
        link.traceState = r.string(end)
        break
      case 0x22:
        pushKeyValue(r, end, link.attributes)
        break
      case 0x28:
        link.droppedAttributesCount = r.uint32(end)
        break
      case 0x35:
        link.flags = r.fixed32(end)
        break
      default:
        r.skip(tag, end)
    }
  }
  return link
}

/** Status { string message = 2; StatusCode code = 3 } (field 1 is reserved) */
function readStatus(r: PbReader, end: number, into: SpanStatus | null): SpanStatus {
  const status = into ?? { message: '', code: 0 }
  while (r.pos < end) {
    const tag = r.tag(end)
    if (tag === 0x12) status.message = r.string(end)
    else if (tag === 0x18) status.code = r.int32(end)
    else r.skip(tag, end)
  }
  return status
}

/**
 * Span { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4;
 * fixed32 flags = 16; string name = 5; SpanKind kind = 6; fixed64 start_time_unix_nano = 7; fixed64
 * end_time_unix_nano = 8; repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
 * repeated Event events = 11; uint32 dropped_events_count = 12; repeated Link links = 13; uint32
 * dropped_links_count = 14; Status status = 15 }
 */
function readSpan(r: PbReader, end: number): Span {
  const span: Span = {
    traceId: EMPTY_BYTES,
    spanId: EMPTY_BYTES,
    traceState: '',
    parentSpanId: EMPTY_BYTES,
    flags: 0,
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: null,
  }
  while (r.pos < end) {
    const tag = r.tag(end)
    switch (tag) {
      case 0x0a:
        span.traceId = r.bytes(end)
        break
      case 0x12:
        span.spanId = r.bytes(end)
        break
      case 0x1a:
        span.traceState = r.string(end)
        break
      case 0x22:
        span.parentSpanId = r.bytes(end)
        break
      case 0x85: // field 16, fixed32
        span.flags = r.fixed32(end)
        break
      case 0x2a:
        span.name = r.string(end)
        break
      case 0x30:
        span.kind = r.int32(end)
        break
      case 0x39:
        span.startTimeUnixNano = r.fixed64(end)
        break
      case 0x41:
        span.endTimeUnixNano = r.fixed64(end)
        break
      case 0x4a:
        pushKeyValue(r, end, span.attributes)
        break
      case 0x50:
        span.droppedAttributesCount = r.uint32(end)
        break
      case 0x5a:
        span.events.push(readEvent(r, r.delimitedEnd(end)))
        break
      case 0x60:
        span.droppedEventsCount = r.uint32(end)
        break
      case 0x6a:
        span.links.push(readLink(r, r.delimitedEnd(end)))
        break
      case 0x70:
        span.droppedLinksCount = r.uint32(end)
        break
      case 0x7a:
        span.status = readStatus(r, r.delimitedEnd(end), span.status)
        break
      default:
        r.skip(tag, end)
    }
  }
  return span
}

export function readTracesRequest(r: PbReader): TracesRequest {
  return { resourceSpans: readContainers(r, 'scopeSpans', 'spans', readSpan) as ResourceSpans[] }
}
