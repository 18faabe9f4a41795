/** ExportTraceServiceRequest: protobufjs message objects <-> in-memory TracesRequest. */
import {
  bytesFromPb,
  keyValuesFromPb,
  keyValuesToPb,
  resourceFromPb,
  resourceToPb,
  scopeFromPb,
  scopeToPb,
  setIf,
  u64,
  type LongLike,
  type PbObject,
} from './pb-common.ts'
import type { ResourceSpans, ScopeSpans, Span, SpanEvent, SpanLink, TracesRequest } from './types.ts'

function eventFromPb(m: PbObject): SpanEvent {
  return {
    timeUnixNano: u64(m.timeUnixNano as LongLike),
    name: m.name as string,
    attributes: keyValuesFromPb(m.attributes as PbObject[]),
    droppedAttributesCount: m.droppedAttributesCount as number,
  }
}

function linkFromPb(m: PbObject): SpanLink {
  return {
    traceId: bytesFromPb(m, 'traceId'),
    spanId: bytesFromPb(m, 'spanId'),
    traceState: m.traceState as string,
    attributes: keyValuesFromPb(m.attributes as PbObject[]),
    droppedAttributesCount: m.droppedAttributesCount as number,
    flags: m.flags as number,
  }
}

function spanFromPb(m: PbObject): Span {
  const events = m.events as PbObject[]
  const links = m.links as PbObject[]
  const status = m.status as PbObject | null
  return {
    traceId: bytesFromPb(m, 'traceId'),
    spanId: bytesFromPb(m, 'spanId'),
    traceState: m.traceState as string,
    parentSpanId: bytesFromPb(m, 'parentSpanId'),
    flags: m.flags as number,
    name: m.name as string,
    kind: m.kind as number,
    startTimeUnixNano: u64(m.startTimeUnixNano as LongLike),
    endTimeUnixNano: u64(m.endTimeUnixNano as LongLike),
    attributes: keyValuesFromPb(m.attributes as PbObject[]),
    droppedAttributesCount: m.droppedAttributesCount as number,
    events: events.length === 0 ? [] : events.map(eventFromPb),
    droppedEventsCount: m.droppedEventsCount as number,
    links: links.length === 0 ? [] : links.map(linkFromPb),
    droppedLinksCount: m.droppedLinksCount as number,
    status: status == null ? null : { message: status.message as string, code: status.code as number },
  }
}

export function tracesFromPb(m: PbObject): TracesRequest {
  const rss = m.resourceSpans as PbObject[]
  const resourceSpans: ResourceSpans[] = new Array(rss.length)
  for (let i = 0; i < rss.length; i++) {
    const rs = rss[i]!
    const sss = rs.scopeSpans as PbObject[]
    const scopeSpans: ScopeSpans[] = new Array(sss.length)
    for (let j = 0; j < sss.length; j++) {
      const ss = sss[j]!
      const pbSpans = ss.spans as PbObject[]
      const spans: Span[] = new Array(pbSpans.length)
      for (let k = 0; k < pbSpans.length; k++) spans[k] = spanFromPb(pbSpans[k]!)
      scopeSpans[j] = { scope: scopeFromPb(ss.scope as PbObject | null), spans, schemaUrl: ss.schemaUrl as string }
    }
    resourceSpans[i] = { resource: resourceFromPb(rs.resource as PbObject | null), scopeSpans, schemaUrl: rs.schemaUrl as string }
  }
  return { resourceSpans }
}

function spanToPb(s: Span): PbObject {
  const o: PbObject = { attributes: keyValuesToPb(s.attributes) }
  setIf(o, 'traceId', s.traceId)
  setIf(o, 'spanId', s.spanId)
  setIf(o, 'traceState', s.traceState)
  setIf(o, 'parentSpanId', s.parentSpanId)
  setIf(o, 'flags', s.flags)
  setIf(o, 'name', s.name)
  setIf(o, 'kind', s.kind)
  setIf(o, 'startTimeUnixNano', s.startTimeUnixNano)
  setIf(o, 'endTimeUnixNano', s.endTimeUnixNano)
  setIf(o, 'droppedAttributesCount', s.droppedAttributesCount)
  setIf(o, 'droppedEventsCount', s.droppedEventsCount)
  setIf(o, 'droppedLinksCount', s.droppedLinksCount)
  if (s.events.length !== 0) {
    o.events = s.events.map((e) => {
      const eo: PbObject = { attributes: keyValuesToPb(e.attributes) }
      setIf(eo, 'timeUnixNano', e.timeUnixNano)
      setIf(eo, 'name', e.name)
      setIf(eo, 'droppedAttributesCount', e.droppedAttributesCount)
      return eo
    })
  }
  if (s.links.length !== 0) {
    o.links = s.links.map((l) => {
      const lo: PbObject = { attributes: keyValuesToPb(l.attributes) }
      setIf(lo, 'traceId', l.traceId)
      setIf(lo, 'spanId', l.spanId)
      setIf(lo, 'traceState', l.traceState)
      setIf(lo, 'droppedAttributesCount', l.droppedAttributesCount)
      setIf(lo, 'flags', l.flags)
      return lo
    })
  }
  if (s.status !== null) {
    const so: PbObject = {}
    setIf(so, 'message', s.status.message)
    setIf(so, 'code', s.status.code)
    o.status = so
  }
  return o
}

export function tracesToPb(req: TracesRequest): PbObject {
  return {
    resourceSpans: req.resourceSpans.map((rs) => {
      const o: PbObject = {
        scopeSpans: rs.scopeSpans.map((ss) => {
          const so: PbObject = { spans: ss.spans.map(spanToPb) }
          const scope = scopeToPb(ss.scope)
          if (scope !== undefined) so.scope = scope
          setIf(so, 'schemaUrl', ss.schemaUrl)
          return so
        }),
      }
      const resource = resourceToPb(rs.resource)
      if (resource !== undefined) o.resource = resource
      setIf(o, 'schemaUrl', rs.schemaUrl)
      return o
    }),
  }
}
