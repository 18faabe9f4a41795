/** ExportTraceServiceRequest: OTLP/JSON (parsed) <-> in-memory TracesRequest. */
import {
  arr,
  at,
  enumOf,
  fail,
  hexId,
  keyValues,
  obj,
  resource,
  scope,
  str,
  u32,
  u64,
  type JsonObject,
} from './json-common.ts'
import { keyValuesToJson, resourceToJson, scopeToJson, setHex, setJ } from './json-encode-common.ts'
import type { ResourceSpans, ScopeSpans, Span, SpanEvent, SpanLink, TracesRequest } from './types.ts'

export const SPAN_KIND_NAMES: Readonly<Record<string, number>> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
}

export const STATUS_CODE_NAMES: Readonly<Record<string, number>> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
}

function item(v: unknown, path: string, key: string): JsonObject {
  const o = obj(v, path, key)
  if (o === null) fail(path, key, 'expected an object')
  return o
}

function eventFromJson(v: unknown, path: string, key: string): SpanEvent {
  const o = item(v, path, key)
  const p = at(path, key)
  return {
    timeUnixNano: u64(o.timeUnixNano, p, 'timeUnixNano'),
    name: str(o.name, p, 'name'),
    attributes: keyValues(o.attributes, p, 'attributes'),
    droppedAttributesCount: u32(o.droppedAttributesCount, p, 'droppedAttributesCount'),
  }
}

function linkFromJson(v: unknown, path: string, key: string): SpanLink {
  const o = item(v, path, key)
  const p = at(path, key)
  return {
    traceId: hexId(o.traceId, p, 'traceId'),
    spanId: hexId(o.spanId, p, 'spanId'),
    traceState: str(o.traceState, p, 'traceState'),
    attributes: keyValues(o.attributes, p, 'attributes'),
    droppedAttributesCount: u32(o.droppedAttributesCount, p, 'droppedAttributesCount'),
    flags: u32(o.flags, p, 'flags'),
  }
}

function spanFromJson(o: JsonObject, p: string): Span {
  const events = arr(o.events, p, 'events')
  const links = arr(o.links, p, 'links')
  const status = obj(o.status, p, 'status')
  return {
    traceId: hexId(o.traceId, p, 'traceId'),
    spanId: hexId(o.spanId, p, 'spanId'),
    traceState: str(o.traceState, p, 'traceState'),
    parentSpanId: hexId(o.parentSpanId, p, 'parentSpanId'),
    flags: u32(o.flags, p, 'flags'),
    name: str(o.name, p, 'name'),
    kind: enumOf(o.kind, p, 'kind', SPAN_KIND_NAMES),
    startTimeUnixNano: u64(o.startTimeUnixNano, p, 'startTimeUnixNano'),
    endTimeUnixNano: u64(o.endTimeUnixNano, p, 'endTimeUnixNano'),
    attributes: keyValues(o.attributes, p, 'attributes'),
    droppedAttributesCount: u32(o.droppedAttributesCount, p, 'droppedAttributesCount'),
    events: events.length === 0 ? [] : events.map((e, i) => eventFromJson(e, p, `events[${i}]`)),
    droppedEventsCount: u32(o.droppedEventsCount, p, 'droppedEventsCount'),
    links: links.length === 0 ? [] : links.map((l, i) => linkFromJson(l, p, `links[${i}]`)),
    droppedLinksCount: u32(o.droppedLinksCount, p, 'droppedLinksCount'),
    status:
      status === null
        ? null
        : {
            message: str(status.message, at(p, 'status'), 'message'),
            code: enumOf(status.code, at(p, 'status'), 'code', STATUS_CODE_NAMES),
          },
  }
}

export function tracesFromJson(root: unknown): TracesRequest {
  const top = obj(root, '', '')
  if (top === null) fail('', '', 'expected an ExportTraceServiceRequest object')
  const rss = arr(top.resourceSpans, '', 'resourceSpans')
  const resourceSpans: ResourceSpans[] = new Array(rss.length)
  for (let i = 0; i < rss.length; i++) {
    const rp = `resourceSpans[${i}]`
    const rs = item(rss[i], '', rp)
    const sss = arr(rs.scopeSpans, rp, 'scopeSpans')
    const scopeSpans: ScopeSpans[] = new Array(sss.length)
    for (let j = 0; j < sss.length; j++) {
      const sp = `${rp}.scopeSpans[${j}]`
      const ss = item(sss[j], '', sp)
      const list = arr(ss.spans, sp, 'spans')
      const spans: Span[] = new Array(list.length)
      for (let k = 0; k < list.length; k++) {
        const p = `${sp}.spans[${k}]`
        spans[k] = spanFromJson(item(list[k], '', p), p)
      }
      scopeSpans[j] = { scope: scope(ss.scope, sp, 'scope'), spans, schemaUrl: str(ss.schemaUrl, sp, 'schemaUrl') }
    }
    resourceSpans[i] = { resource: resource(rs.resource, rp, 'resource'), scopeSpans, schemaUrl: str(rs.schemaUrl, rp, 'schemaUrl') }
  }
  return { resourceSpans }
}

function spanToJson(s: Span): JsonObject {
  const o: JsonObject = {}
  setHex(o, 'traceId', s.traceId)
  setHex(o, 'spanId', s.spanId)
  setJ(o, 'traceState', s.traceState)
  setHex(o, 'parentSpanId', s.parentSpanId)
  setJ(o, 'flags', s.flags)
  setJ(o, 'name', s.name)
  setJ(o, 'kind', s.kind)
  setJ(o, 'startTimeUnixNano', s.startTimeUnixNano)
  setJ(o, 'endTimeUnixNano', s.endTimeUnixNano)
  o.attributes = keyValuesToJson(s.attributes)
  setJ(o, 'droppedAttributesCount', s.droppedAttributesCount)
  if (s.events.length !== 0) {
    o.events = s.events.map((e) => {
      const eo: JsonObject = {}
      setJ(eo, 'timeUnixNano', e.timeUnixNano)
      setJ(eo, 'name', e.name)
      eo.attributes = keyValuesToJson(e.attributes)
      setJ(eo, 'droppedAttributesCount', e.droppedAttributesCount)
      return eo
    })
  }
  setJ(o, 'droppedEventsCount', s.droppedEventsCount)
  if (s.links.length !== 0) {
    o.links = s.links.map((l) => {
      const lo: JsonObject = {}
      setHex(lo, 'traceId', l.traceId)
      setHex(lo, 'spanId', l.spanId)
      setJ(lo, 'traceState', l.traceState)
      lo.attributes = keyValuesToJson(l.attributes)
      setJ(lo, 'droppedAttributesCount', l.droppedAttributesCount)
      setJ(lo, 'flags', l.flags)
      return lo
    })
  }
  setJ(o, 'droppedLinksCount', s.droppedLinksCount)
  if (s.status !== null) {
    const so: JsonObject = {}
    setJ(so, 'message', s.status.message)
    setJ(so, 'code', s.status.code)
    o.status = so
  }
  return o
}

export function tracesToJson(req: TracesRequest): JsonObject {
  return {
    resourceSpans: req.resourceSpans.map((rs) => {
      const o: JsonObject = {}
      const r = resourceToJson(rs.resource)
      if (r !== undefined) o.resource = r
      o.scopeSpans = rs.scopeSpans.map((ss) => {
        const so: JsonObject = {}
        const sc = scopeToJson(ss.scope)
        if (sc !== undefined) so.scope = sc
        so.spans = ss.spans.map(spanToJson)
        setJ(so, 'schemaUrl', ss.schemaUrl)
        return so
      })
      setJ(o, 'schemaUrl', rs.schemaUrl)
      return o
    }),
  }
}
