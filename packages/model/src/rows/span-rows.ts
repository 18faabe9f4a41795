/** TracesRequest -> otel_traces rows (see rows.ts for the column invariants). */
import { bytesToHex, isAllZero } from '../hex.ts'
import type { TracesRequest } from '../otlp/types.ts'
import type { ItemRejection } from '../result.ts'
import type { Attributes, SpanKindName, SpanRow, StatusCodeName } from '../rows.ts'
import { spanProblem, TOO_DEEP } from '../validate.ts'
import { flattenAttributes } from './any-value.ts'
import { resourceCols, scopeCols } from './resource-columns.ts'

const SPAN_KINDS: readonly SpanKindName[] = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
]
const STATUS_CODES: readonly StatusCodeName[] = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR']

/** The SpanKind column for an OTLP kind; unknown values (a newer peer) read as unspecified. */
export function spanKindName(kind: number): SpanKindName {
  return SPAN_KINDS[kind] ?? 'SPAN_KIND_UNSPECIFIED'
}

/** The StatusCode column for an OTLP status code; unknown values read as unset. */
export function statusCodeName(code: number): StatusCodeName {
  return STATUS_CODES[code] ?? 'STATUS_CODE_UNSET'
}

function spanPath(i: number, j: number, k: number, field: string): string {
  return `resourceSpans[${i}].scopeSpans[${j}].spans[${k}]${field === '' ? '' : `.${field}`}`
}

export function spanRows(req: TracesRequest, tenantId: string): { rows: SpanRow[]; rejected: ItemRejection[] } {
  const rows: SpanRow[] = []
  const rejected: ItemRejection[] = []
  const rss = req.resourceSpans
  for (let i = 0; i < rss.length; i++) {
    const rs = rss[i]!
    const rc = resourceCols(tenantId, rs.resource, rs.schemaUrl)
    for (let j = 0; j < rs.scopeSpans.length; j++) {
      const ss = rs.scopeSpans[j]!
      const sc = rc === null ? null : scopeCols(ss.scope)
      const spans = ss.spans
      for (let k = 0; k < spans.length; k++) {
        const s = spans[k]!
        if (rc === null || sc === null) {
          rejected.push({ path: spanPath(i, j, k, ''), reason: `${rc === null ? 'resource' : 'scope'} attributes: ${TOO_DEEP}` })
          continue
        }
        const problem = spanProblem(s)
        if (problem !== null) {
          rejected.push({ path: spanPath(i, j, k, problem.field), reason: problem.reason })
          continue
        }
        // spanProblem has checked every nesting depth, so these flattenings cannot fail
        const spanAttributes = flattenAttributes(s.attributes)!
        const nEvents = s.events.length
        const eventTimes: bigint[] = new Array(nEvents)
        const eventNames: string[] = new Array(nEvents)
        const eventAttrs: Attributes[] = new Array(nEvents)
        for (let e = 0; e < nEvents; e++) {
          const ev = s.events[e]!
          eventTimes[e] = ev.timeUnixNano
          eventNames[e] = ev.name
          eventAttrs[e] = flattenAttributes(ev.attributes)!
        }
        const nLinks = s.links.length
        const linkTraceIds: string[] = new Array(nLinks)
        const linkSpanIds: string[] = new Array(nLinks)
        const linkStates: string[] = new Array(nLinks)
        const linkAttrs: Attributes[] = new Array(nLinks)
        for (let l = 0; l < nLinks; l++) {
          const ln = s.links[l]!
          linkTraceIds[l] = bytesToHex(ln.traceId)
          linkSpanIds[l] = bytesToHex(ln.spanId)
          linkStates[l] = ln.traceState
          linkAttrs[l] = flattenAttributes(ln.attributes)!
        }
        rows.push({
          TenantId: rc.TenantId,
          ServiceName: rc.ServiceName,
          ResourceAttributes: rc.ResourceAttributes,
          ResourceSchemaUrl: rc.ResourceSchemaUrl,
          ScopeName: sc.ScopeName,
          ScopeVersion: sc.ScopeVersion,
          ScopeAttributes: sc.ScopeAttributes,
          Timestamp: s.startTimeUnixNano,
          TraceId: bytesToHex(s.traceId),
          SpanId: bytesToHex(s.spanId),
          ParentSpanId: s.parentSpanId.length === 0 || isAllZero(s.parentSpanId) ? '' : bytesToHex(s.parentSpanId),
          TraceState: s.traceState,
          TraceFlags: s.flags & 0xff,
          SpanName: s.name,
          SpanKind: spanKindName(s.kind),
          SpanAttributes: spanAttributes,
          Duration: s.endTimeUnixNano - s.startTimeUnixNano,
          StatusCode: statusCodeName(s.status === null ? 0 : s.status.code),
          StatusMessage: s.status === null ? '' : s.status.message,
          DroppedAttributesCount: s.droppedAttributesCount,
          DroppedEventsCount: s.droppedEventsCount,
          DroppedLinksCount: s.droppedLinksCount,
          'Events.Timestamp': eventTimes,
          'Events.Name': eventNames,
          'Events.Attributes': eventAttrs,
          'Links.TraceId': linkTraceIds,
          'Links.SpanId': linkSpanIds,
          'Links.TraceState': linkStates,
          'Links.Attributes': linkAttrs,
        })
      }
    }
  }
  return { rows, rejected }
}
