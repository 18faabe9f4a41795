/**
 * Entry spans of one service at a steady rate, for the SLO and alerting tests: `perMinute`
 * requests in every minute of [fromNs, toNs), evenly spaced with a sub-millisecond offset (so
 * times are not minute-aligned), each failing or slow as the caller decides. The tests compute
 * every expected number from the returned rows themselves.
 */
import type { LogRow, SpanRow } from '@periscope/model'

export interface TrafficOptions {
  readonly tenantId: string
  readonly service: string
  readonly operation?: string
  readonly fromNs: bigint
  readonly toNs: bigint
  readonly perMinute: number
  /** whether the i-th request (counted from fromNs) starting at tNs fails */
  readonly fails?: (tNs: bigint, i: number) => boolean
  /** its duration, ns; default 5 ms */
  readonly durationNs?: (tNs: bigint, i: number) => bigint
}

const MINUTE_NS = 60_000_000_000n

export function traffic(options: TrafficOptions): SpanRow[] {
  const spans: SpanRow[] = []
  const gapNs = MINUTE_NS / BigInt(options.perMinute)
  let i = 0
  for (let t = options.fromNs + 123_457n; t < options.toNs; t += gapNs, i++) {
    const failed = options.fails?.(t, i) ?? false
    const id = (options.fromNs / 1000n + BigInt(i)).toString(16).padStart(16, '0').slice(-16)
    spans.push({
      TenantId: options.tenantId,
      ServiceName: options.service,
      ResourceAttributes: { 'service.name': options.service },
      ResourceSchemaUrl: '',
      ScopeName: 'test',
      ScopeVersion: '1',
      ScopeAttributes: {},
      Timestamp: t,
      TraceId: `${options.service.length.toString(16).padStart(2, '0')}${id}`.padEnd(32, 'a'),
      SpanId: id,
      ParentSpanId: '',
      TraceState: '',
      TraceFlags: 1,
      SpanName: options.operation ?? 'GET /',
      SpanKind: 'SPAN_KIND_SERVER',
      SpanAttributes: {},
      Duration: options.durationNs?.(t, i) ?? 5_000_000n,
      StatusCode: failed ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_OK',
      StatusMessage: failed ? 'failed' : '',
      DroppedAttributesCount: 0,
      DroppedEventsCount: 0,
      DroppedLinksCount: 0,
      'Events.Timestamp': [],
      'Events.Name': [],
      'Events.Attributes': [],
      'Links.TraceId': [],
      'Links.SpanId': [],
      'Links.TraceState': [],
      'Links.Attributes': [],
    })
  }
  return spans
}

/** An ERROR log record of the service at each given time. */
export function errorLogs(tenantId: string, service: string, timesNs: readonly bigint[]): LogRow[] {
  return timesNs.map((t, i) => ({
    TenantId: tenantId,
    ServiceName: service,
    ResourceAttributes: { 'service.name': service },
    ResourceSchemaUrl: '',
    ScopeName: 'test',
    ScopeVersion: '1',
    ScopeAttributes: {},
    Timestamp: t,
    ObservedTimestamp: t,
    TraceId: (t / 1000n + BigInt(i)).toString(16).padStart(32, '0').slice(-32),
    SpanId: '',
    TraceFlags: 0,
    SeverityText: 'ERROR',
    SeverityNumber: 17,
    Body: `failure ${i}`,
    EventName: '',
    LogAttributes: {},
    DroppedAttributesCount: 0,
  }))
}

/** Counts over [fromNs, toNs) of the spans, as the tests' own oracle. */
export function countIn(spans: readonly SpanRow[], fromNs: bigint, toNs: bigint, bad: (s: SpanRow) => boolean = (s) => s.StatusCode === 'STATUS_CODE_ERROR'): { total: number; bad: number } {
  let total = 0
  let badCount = 0
  for (const s of spans) {
    if (s.Timestamp < fromNs || s.Timestamp >= toNs) continue
    total++
    if (bad(s)) badCount++
  }
  return { total, bad: badCount }
}
