/** In-memory TracesRequest -> protobufjs message objects, for encoding (pb-read-traces.ts decodes). */
import { keyValuesToPb, resourceToPb, scopeToPb, setIf, type PbObject } from './pb-common.ts'
import type { Span, TracesRequest } from './types.ts'

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
