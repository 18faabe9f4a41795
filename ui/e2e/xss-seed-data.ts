/**
 * Telemetry of the hostile tenant XSS_TENANT (its own token, so the ordinary specs never see
 * it), where every user-controlled string is an XSS payload (xss-payloads.ts). Relative to
 * `nowNs`, deterministic:
 *
 * - per short payload P[i] a service named P[i] (hosts and pods named P[i]) with one trace in
 *   the last 25 minutes: a SERVER span named P[i+1] with the attribute P[i] = P[i+1], an
 *   INTERNAL child named P[i] with an event P[i], and one log line (body P[i], severity text
 *   P[i+1], attribute P[i] = P[i]);
 * - BUSY_SERVICE (P[0]) gets 120 more requests 40–55 minutes ago (over the query API's
 *   100-request floor for suggested SLOs);
 * - XSS_TRACE: a root span of XSS_BACKEND with one child per payload (all of them, the NUL and
 *   the very long one too): span name, attribute key and value, event name and attributes,
 *   status message, a link whose trace and span ids are the payload, and a log line whose body
 *   is the payload;
 * - per short payload a gauge named P[i] with two series, label P[i] = P[i] and P[i] = P[i+1],
 *   one point a minute;
 * - per short payload one resolved alert episode (firing + resolved events): rule name P[i],
 *   label service P[i+1], summary P[i+2].
 * What the specs expect to see is derived from the payload list here, not read from the UI.
 */
import type { GaugeRow, LogRow, SpanKindName, SpanRow, StatusCodeName } from '@periscope/model'
import type { AlertEventRow } from '@periscope/store'
import { SHORT_PAYLOADS, XSS_PAYLOADS, type XssPayload } from './xss-payloads.ts'

export const XSS_TENANT = 'xss'
export const XSS_TRACE = '0555000000000000000000000000beef'
export const XSS_BACKEND = 'xss-backend'
export const BUSY_SERVICE = SHORT_PAYLOADS[0]!.text
export const BUSY_REQUESTS = 120
/** the short payload after P[i] (wrapping), so one page shows two different payloads */
export const nextShort = (i: number, by = 1): XssPayload => SHORT_PAYLOADS[(i + by) % SHORT_PAYLOADS.length]!
/** ids of the per-service traces: hex of the payload index */
export const serviceTraceId = (i: number): string => `0555${i.toString(16).padStart(28, '0')}`

const MS = 1_000_000n
const MINUTE = 60_000n * MS
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0')

export interface XssSeedRows {
  spans: SpanRow[]
  logs: LogRow[]
  gauges: GaugeRow[]
  alertEvents: AlertEventRow[]
}

export function xssSeedRows(nowNs: bigint, tenantId = XSS_TENANT): XssSeedRows {
  const spans: SpanRow[] = []
  const logs: LogRow[] = []
  let spanCounter = 1

  const resource = (service: string, host: string) => ({
    TenantId: tenantId,
    ServiceName: service,
    ResourceAttributes: { 'service.name': service, 'host.name': host, 'k8s.pod.name': host },
    ResourceSchemaUrl: '',
    ScopeName: '@periscope/sdk',
    ScopeVersion: '0.1.0',
    ScopeAttributes: {},
  })
  const span = (o: { traceId: string; service: string; host?: string; name: string; kind: SpanKindName; parent: string; start: bigint; duration: bigint; status?: StatusCodeName; statusMessage?: string; attributes?: Record<string, string>; events?: { at: bigint; name: string; attributes: Record<string, string> }[]; links?: { traceId: string; spanId: string; attributes: Record<string, string> }[] }): SpanRow => {
    const events = o.events ?? []
    const links = o.links ?? []
    const row: SpanRow = {
      ...resource(o.service, o.host ?? 'xss-host'),
      Timestamp: o.start,
      TraceId: o.traceId,
      SpanId: hex(spanCounter++, 16),
      ParentSpanId: o.parent,
      TraceState: '',
      TraceFlags: 1,
      SpanName: o.name,
      SpanKind: o.kind,
      SpanAttributes: o.attributes ?? {},
      Duration: o.duration,
      StatusCode: o.status ?? 'STATUS_CODE_UNSET',
      StatusMessage: o.statusMessage ?? '',
      DroppedAttributesCount: 0,
      DroppedEventsCount: 0,
      DroppedLinksCount: 0,
      'Events.Timestamp': events.map((e) => e.at),
      'Events.Name': events.map((e) => e.name),
      'Events.Attributes': events.map((e) => e.attributes),
      'Links.TraceId': links.map((l) => l.traceId),
      'Links.SpanId': links.map((l) => l.spanId),
      'Links.TraceState': links.map(() => ''),
      'Links.Attributes': links.map((l) => l.attributes),
    }
    spans.push(row)
    return row
  }
  const log = (of: SpanRow, at: bigint, body: string, severityText: string, attributes: Record<string, string>) => {
    logs.push({
      ...resource(of.ServiceName, of.ResourceAttributes['host.name'] ?? ''),
      Timestamp: at,
      ObservedTimestamp: at + 1000n,
      TraceId: of.TraceId,
      SpanId: of.SpanId,
      TraceFlags: 1,
      SeverityText: severityText,
      SeverityNumber: 9,
      Body: body,
      EventName: '',
      LogAttributes: attributes,
      DroppedAttributesCount: 0,
    })
  }

  // one service per short payload, one trace each, spread over the last 25 minutes
  SHORT_PAYLOADS.forEach((p, i) => {
    const start = nowNs - 25n * MINUTE + BigInt(i) * 30_000n * MS
    const op = nextShort(i)
    const root = span({ traceId: serviceTraceId(i), service: p.text, host: p.text, name: op.text, kind: 'SPAN_KIND_SERVER', parent: '', start, duration: 40n * MS, status: i % 2 ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_OK', statusMessage: i % 2 ? p.text : '', attributes: { [p.text]: op.text } })
    const child = span({ traceId: serviceTraceId(i), service: p.text, host: p.text, name: p.text, kind: 'SPAN_KIND_INTERNAL', parent: root.SpanId, start: start + 5n * MS, duration: 20n * MS, events: [{ at: start + 10n * MS, name: p.text, attributes: { [p.text]: p.text } }] })
    log(child, start + 12n * MS, p.text, op.text, { [p.text]: p.text })
  })

  // the busy service: enough requests for a suggested SLO, before the 25-minute window above
  for (let r = 0; r < BUSY_REQUESTS; r++) {
    const start = nowNs - 55n * MINUTE + BigInt(r) * 7_500n * MS
    span({ traceId: `0556${hex(r, 28)}`, service: BUSY_SERVICE, host: BUSY_SERVICE, name: nextShort(0).text, kind: 'SPAN_KIND_SERVER', parent: '', start, duration: BigInt(20 + (r % 7) * 5) * MS, status: r % 40 === 0 ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_OK' })
  }

  // the trace that carries every payload in every span field
  const traceStart = nowNs - 5n * MINUTE
  const root = span({ traceId: XSS_TRACE, service: XSS_BACKEND, name: 'GET /xss', kind: 'SPAN_KIND_SERVER', parent: '', start: traceStart, duration: BigInt(XSS_PAYLOADS.length + 2) * MS })
  for (const p of XSS_PAYLOADS) {
    const start = traceStart + BigInt(p.id) * MS
    const child = span({
      traceId: XSS_TRACE,
      service: p.short ? p.text : XSS_BACKEND,
      host: p.short ? p.text : 'xss-host',
      name: p.text,
      kind: 'SPAN_KIND_INTERNAL',
      parent: root.SpanId,
      start,
      duration: MS / 2n,
      status: p.id % 3 === 0 ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_UNSET',
      statusMessage: p.id % 3 === 0 ? p.text : '',
      attributes: { [p.text]: p.text, 'xss.id': String(p.id) },
      events: [{ at: start + MS / 4n, name: p.text, attributes: { [p.text]: p.text } }],
      links: [{ traceId: p.text, spanId: p.text, attributes: { [p.text]: p.text } }],
    })
    log(child, start + MS / 8n, p.text, 'INFO', { [p.text]: p.text })
  }

  // a gauge per short payload: its name, its label and both label values hostile
  const gauges: GaugeRow[] = []
  for (let m = 30; m >= 0; m--) {
    const at = nowNs - BigInt(m) * MINUTE
    SHORT_PAYLOADS.forEach((p, i) => {
      for (const [k, label] of [p.text, nextShort(i).text].entries()) gauges.push({
        TenantId: tenantId,
        ServiceName: p.text,
        MetricName: p.text,
        MetricDescription: p.text,
        MetricUnit: '1',
        ResourceAttributes: { 'service.name': p.text, 'host.name': p.text },
        ResourceSchemaUrl: '',
        ScopeName: 'xss',
        ScopeVersion: '',
        ScopeAttributes: {},
        Attributes: { [p.text]: label },
        StartTimeUnix: nowNs - 60n * MINUTE,
        TimeUnix: at,
        Flags: 0,
        Value: i + k / 2 + Math.sin(m / 5),
      })
    })
  }

  // one resolved alert episode per short payload (the evaluator is not running in the e2e stack)
  const alertEvents: AlertEventRow[] = []
  SHORT_PAYLOADS.forEach((p, i) => {
    const firedNs = nowNs - 50n * MINUTE + BigInt(i) * MINUTE
    const resolvedNs = firedNs + 5n * MINUTE
    const ruleId = `0555${hex(i, 4)}-0000-4000-8000-000000000000`
    const firingEventId = `0555${hex(i, 4)}-0000-4000-8000-00000000f1e5`
    const details = (kind: 'firing' | 'resolved') =>
      JSON.stringify({
        ruleName: p.text,
        ruleKind: 'error_rate',
        labels: { service: nextShort(i).text },
        deliverTo: [],
        silencedBy: null,
        firingEventId: kind === 'resolved' ? firingEventId : null,
        startsAtMs: Number(firedNs / MS),
        dedupKey: `xss-${i}`,
        facts: { service: nextShort(i).text },
        traceIds: [],
      })
    const base = { TenantId: tenantId, RuleId: ruleId, AlertKey: '', Severity: 'page', Value: 0.5, Summary: nextShort(i, 2).text }
    alertEvents.push({ ...base, EventId: firingEventId, Timestamp: firedNs, Kind: 'firing', Details: details('firing') })
    alertEvents.push({ ...base, EventId: `0555${hex(i, 4)}-0000-4000-8000-0000000e5011`, Timestamp: resolvedNs, Kind: 'resolved', Details: details('resolved') })
  })

  return { spans, logs, gauges, alertEvents }
}
