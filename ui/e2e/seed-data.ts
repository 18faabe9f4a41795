/**
 * The telemetry the UI's end-to-end specs run against — the one file to swap for the demo shop
 * once the all-in-one launcher feeds it. Deterministic (seeded PRNG) and relative to `nowNs`:
 *
 * - 120 shop traces over the last 45 minutes (≥ 100 requests per service: the query API suggests SLOs from 100): frontend → checkout → inventory + payment, 8 spans
 *   each, ~10 % failing in payment, one log line per entry span (error lines for failures);
 * - KNOWN_TRACE (12 spans, 10 minutes ago) whose spans carry XSS payloads in an attribute, a
 *   span name, an event and a log body, and 5 log lines;
 * - BIG_TRACE with 5,000 spans (a 4-ary tree) for the virtualised waterfall;
 * - host gauges (cpu, memory, load) of the hosts serving the services, and the platform's own
 *   counters for the "Periscope health" board.
 * Expected values the specs check (span counts, ids) are constants here, not read from the UI.
 */
import type { GaugeRow, LogRow, SpanKindName, SpanRow, StatusCodeName, SumRow } from '@periscope/model'

export const TENANT = 'e2e'
export const KNOWN_TRACE = 'e2e000000000000000000000000c0de0'
export const KNOWN_TRACE_SPANS = 12
export const KNOWN_TRACE_LOGS = 5
export const BIG_TRACE = 'b1600000000000000000000000005000'
export const BIG_TRACE_SPANS = 5000
export const XSS_MARK = '__periscopeXss'
export const XSS_ATTRIBUTE = `<img src=x onerror="window.${XSS_MARK}=1">`
export const XSS_SPAN_NAME = `<script>window.${XSS_MARK}=2</script>`
export const XSS_LOG_BODY = `"><svg onload="window.${XSS_MARK}=3"></svg>`
export const SERVICES = ['frontend', 'checkout', 'inventory', 'payment'] as const

const HOSTS: Record<string, { host: string; pod: string }> = {
  frontend: { host: 'web-1', pod: 'frontend-7d9f' },
  checkout: { host: 'app-1', pod: 'checkout-5c4b' },
  inventory: { host: 'app-2', pod: 'inventory-6a1e' },
  payment: { host: 'app-2', pod: 'payment-9b3d' },
}

function createRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0')
const MS = 1_000_000n

function resource(tenantId: string, service: string) {
  const h = HOSTS[service] ?? { host: 'misc-1', pod: `${service}-0` }
  return {
    TenantId: tenantId,
    ServiceName: service,
    ResourceAttributes: { 'service.name': service, 'host.name': h.host, 'k8s.pod.name': h.pod, 'deployment.environment': 'e2e' },
    ResourceSchemaUrl: '',
    ScopeName: '@periscope/sdk',
    ScopeVersion: '0.1.0',
    ScopeAttributes: {},
  }
}

export interface SeedRows {
  spans: SpanRow[]
  logs: LogRow[]
  gauges: GaugeRow[]
  sums: SumRow[]
}

export function seedRows(nowNs: bigint, tenantId = TENANT): SeedRows {
  const random = createRandom(42)
  const spans: SpanRow[] = []
  const logs: LogRow[] = []
  let spanCounter = 1

  const span = (traceId: string, service: string, name: string, kind: SpanKindName, parent: string, start: bigint, duration: bigint, status: StatusCodeName = 'STATUS_CODE_UNSET', attributes: Record<string, string> = {}, events: { at: bigint; name: string; attributes: Record<string, string> }[] = []): SpanRow => {
    const row: SpanRow = {
      ...resource(tenantId, service),
      Timestamp: start,
      TraceId: traceId,
      SpanId: hex(spanCounter++, 16),
      ParentSpanId: parent,
      TraceState: '',
      TraceFlags: 1,
      SpanName: name,
      SpanKind: kind,
      SpanAttributes: attributes,
      Duration: duration,
      StatusCode: status,
      StatusMessage: status === 'STATUS_CODE_ERROR' ? 'card declined' : '',
      DroppedAttributesCount: 0,
      DroppedEventsCount: 0,
      DroppedLinksCount: 0,
      'Events.Timestamp': events.map((e) => e.at),
      'Events.Name': events.map((e) => e.name),
      'Events.Attributes': events.map((e) => e.attributes),
      'Links.TraceId': [],
      'Links.SpanId': [],
      'Links.TraceState': [],
      'Links.Attributes': [],
    }
    spans.push(row)
    return row
  }
  const log = (of: SpanRow, at: bigint, severityNumber: number, body: string, attributes: Record<string, string> = {}) => {
    logs.push({
      ...resource(tenantId, of.ServiceName),
      Timestamp: at,
      ObservedTimestamp: at + 1000n,
      TraceId: of.TraceId,
      SpanId: of.SpanId,
      TraceFlags: 1,
      SeverityText: severityNumber >= 17 ? 'ERROR' : severityNumber >= 13 ? 'WARN' : 'INFO',
      SeverityNumber: severityNumber,
      Body: body,
      EventName: '',
      LogAttributes: attributes,
      DroppedAttributesCount: 0,
    })
  }

  /** the shop's checkout: 8 spans; `extra` adds spans under inventory (the known trace) */
  const checkout = (traceId: string, start: bigint, fails: boolean, order: number, known = false) => {
    const total = BigInt(Math.round(40 + random() * 260)) * MS
    const root = span(traceId, 'frontend', 'GET /checkout', 'SPAN_KIND_SERVER', '', start, total, fails ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_UNSET', { 'http.request.method': 'GET', 'http.route': '/checkout', 'order.id': String(order) })
    const client = span(traceId, 'frontend', 'POST /api/checkout', 'SPAN_KIND_CLIENT', root.SpanId, start + 2n * MS, total - 4n * MS, fails ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_UNSET')
    const server = span(traceId, 'checkout', 'POST /api/checkout', 'SPAN_KIND_SERVER', client.SpanId, start + 3n * MS, total - 6n * MS, fails ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_OK', known ? { 'user.comment': XSS_ATTRIBUTE, 'cart.items': '3' } : { 'cart.items': String(1 + Math.floor(random() * 5)) })
    const inner = total - 6n * MS
    span(traceId, 'checkout', 'validate cart', 'SPAN_KIND_INTERNAL', server.SpanId, start + 4n * MS, inner / 10n)
    const reserveClient = span(traceId, 'checkout', 'POST /reserve', 'SPAN_KIND_CLIENT', server.SpanId, start + 5n * MS + inner / 10n, inner / 3n)
    const reserve = span(traceId, 'inventory', 'POST /reserve', 'SPAN_KIND_SERVER', reserveClient.SpanId, start + 6n * MS + inner / 10n, inner / 3n - 2n * MS)
    const chargeStart = start + 8n * MS + inner / 10n + inner / 3n
    const chargeClient = span(traceId, 'checkout', 'POST /charge', 'SPAN_KIND_CLIENT', server.SpanId, chargeStart, inner / 2n, fails ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_UNSET')
    const charge = span(traceId, 'payment', 'POST /charge', 'SPAN_KIND_SERVER', chargeClient.SpanId, chargeStart + MS, inner / 2n - 2n * MS, fails ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_OK', { 'payment.method': 'card' }, [
      { at: chargeStart + 2n * MS, name: 'card.validated', attributes: {} },
      ...(fails ? [{ at: chargeStart + inner / 2n - 3n * MS, name: 'exception', attributes: { 'exception.type': 'CardDeclined', 'exception.message': 'card expired' } }] : []),
    ])
    log(root, start + MS, 9, `GET /checkout order ${order}`)
    log(server, start + 4n * MS, 9, `checkout started for order ${order}`)
    log(charge, chargeStart + 3n * MS, fails ? 17 : 9, fails ? `payment declined for order ${order}: card expired` : `charged order ${order}`)
    if (known) {
      for (let i = 0; i < KNOWN_TRACE_SPANS - 8; i++) {
        span(traceId, 'inventory', i === 0 ? XSS_SPAN_NAME : `SELECT stock ${i}`, 'SPAN_KIND_INTERNAL', reserve.SpanId, reserve.Timestamp + BigInt(i + 1) * MS, MS, 'STATUS_CODE_UNSET', { 'db.system': 'postgresql', 'db.statement': `SELECT qty FROM stock WHERE sku = $${i + 1}` })
      }
      log(reserve, reserve.Timestamp + MS, 13, 'stock low for sku 42')
      log(reserve, reserve.Timestamp + 2n * MS, 9, XSS_LOG_BODY)
    }
  }

  const minuteNs = 60_000n * MS
  for (let i = 0; i < 120; i++) {
    const start = nowNs - 45n * minuteNs + BigInt(Math.floor((i / 120) * 44 * 60_000)) * MS + BigInt(Math.floor(random() * 1e6))
    checkout(`${hex(0xa000 + i, 8)}${hex(Math.floor(random() * 2 ** 32), 8)}${hex(i, 16)}`, start, random() < 0.1, 1000 + i)
  }
  checkout(KNOWN_TRACE, nowNs - 10n * minuteNs, true, 4242, true)

  // the big trace: a 4-ary tree of 5,000 spans, each child inside its parent
  const bigStart = nowNs - 20n * minuteNs
  const big: SpanRow[] = []
  for (let i = 0; i < BIG_TRACE_SPANS; i++) {
    const parent = i === 0 ? undefined : big[Math.floor((i - 1) / 4)]!
    const slot = i === 0 ? 0 : (i - 1) % 4
    const start = parent ? parent.Timestamp + (parent.Duration / 5n) * BigInt(slot) + 1000n : bigStart
    const duration = parent ? parent.Duration / 5n : 2_000n * MS
    const service = SERVICES[i % SERVICES.length]!
    big.push(span(BIG_TRACE, service, i === 0 ? 'GET /batch' : `step ${i}`, i === 0 ? 'SPAN_KIND_SERVER' : 'SPAN_KIND_INTERNAL', parent?.SpanId ?? '', start, duration, i % 997 === 5 ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_UNSET'))
  }

  // host gauges and the platform's own metrics, one point a minute for 50 minutes
  const gauges: GaugeRow[] = []
  const sums: SumRow[] = []
  const metricBase = (service: string, host: string, at: bigint) => ({
    TenantId: tenantId,
    ServiceName: service,
    MetricDescription: '',
    ResourceAttributes: { 'service.name': service, 'host.name': host },
    ResourceSchemaUrl: '',
    ScopeName: 'e2e',
    ScopeVersion: '',
    ScopeAttributes: {},
    StartTimeUnix: nowNs - 60n * minuteNs,
    TimeUnix: at,
    Flags: 0,
  })
  for (let m = 50; m >= 0; m--) {
    const at = nowNs - BigInt(m) * minuteNs
    const wave = 0.5 + 0.4 * Math.sin(m / 6)
    for (const [h, host] of ['web-1', 'app-1', 'app-2'].entries()) {
      const b = metricBase('periscope-agent', host, at)
      gauges.push({ ...b, MetricName: 'system.cpu.utilization', MetricUnit: '1', Attributes: { cpu: '0', state: 'user' }, Value: 0.1 * (h + 1) + 0.2 * wave })
      gauges.push({ ...b, MetricName: 'system.cpu.utilization', MetricUnit: '1', Attributes: { cpu: '0', state: 'idle' }, Value: 0.9 - 0.1 * (h + 1) - 0.2 * wave })
      gauges.push({ ...b, MetricName: 'system.memory.utilization', MetricUnit: '1', Attributes: { state: 'used' }, Value: 0.4 + 0.1 * h })
      gauges.push({ ...b, MetricName: 'system.cpu.load_average.1m', MetricUnit: '{thread}', Attributes: {}, Value: 0.5 + h + wave })
      gauges.push({ ...b, MetricName: 'periscope_agent_buffer_unacked_bytes', MetricUnit: 'By', Attributes: {}, Value: Math.round(20_000 * wave * (h + 1)) })
    }
    const c = metricBase('periscope-collector', 'app-1', at)
    const elapsed = 50 - m
    sums.push({ ...c, MetricName: 'periscope_collector_accepted_items_total', MetricUnit: '1', Attributes: { signal: 'traces' }, Value: elapsed * 6000, AggregationTemporality: 2, IsMonotonic: true })
    sums.push({ ...c, MetricName: 'periscope_collector_accepted_items_total', MetricUnit: '1', Attributes: { signal: 'logs' }, Value: elapsed * 2400, AggregationTemporality: 2, IsMonotonic: true })
    sums.push({ ...c, MetricName: 'periscope_collector_rejected_items_total', MetricUnit: '1', Attributes: { reason: 'invalid' }, Value: elapsed * 6, AggregationTemporality: 2, IsMonotonic: true })
    const ing = metricBase('periscope-ingest', 'app-1', at)
    sums.push({ ...ing, MetricName: 'periscope_ingest_rows_written_total', MetricUnit: '1', Attributes: { table: 'otel_traces' }, Value: elapsed * 6000, AggregationTemporality: 2, IsMonotonic: true })
    sums.push({ ...ing, MetricName: 'periscope_ingest_dead_letters_total', MetricUnit: '1', Attributes: { topic: 'otlp.traces', reason: 'decode' }, Value: Math.floor(elapsed / 10), AggregationTemporality: 2, IsMonotonic: true })
    gauges.push({ ...ing, MetricName: 'periscope_ingest_consumer_lag_records', MetricUnit: '1', Attributes: { topic: 'otlp.traces', partition: '0' }, Value: Math.round(50 * wave) })
  }
  return { spans, logs, gauges, sums }
}
