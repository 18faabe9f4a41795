/**
 * Deterministic telemetry of a small shop for the query API's tests: traces through frontend →
 * checkout → payments (SERVER, CLIENT, INTERNAL and CONSUMER spans), a log record per entry
 * span, and host gauges of the hosts serving them. Times have full nanosecond precision and
 * durations spread over four decades, so bucketing and range edges are exercised.
 *
 * Everything a test asserts is computed from these arrays by the test itself (counts, error
 * rates, exact nearest-rank percentiles), never by the code under test.
 */
import type { GaugeRow, LogRow, SpanKindName, SpanRow, StatusCodeName } from '@periscope/model'

/** mulberry32: a small seeded PRNG, so every run generates the same data. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface ShopOptions {
  tenantId: string
  /** first instant of the data, unix ns */
  baseNs: bigint
  /** traces are spread over [baseNs, baseNs + spanMinutes) */
  minutes: number
  traces: number
  seed: number
  /** prefix of service names, to tell tenants' data apart */
  servicePrefix?: string
}

export interface ShopData {
  spans: SpanRow[]
  logs: LogRow[]
  gauges: GaugeRow[]
}

const HOSTS = ['node-a', 'node-b', 'node-c']

function hex(random: () => number, chars: number): string {
  let out = ''
  while (out.length < chars) out += Math.floor(random() * 0x100000000).toString(16).padStart(8, '0')
  return out.slice(0, chars)
}

export function generateShop(options: ShopOptions): ShopData {
  const random = createRandom(options.seed)
  const prefix = options.servicePrefix ?? ''
  const spans: SpanRow[] = []
  const logs: LogRow[] = []
  const windowNs = BigInt(options.minutes) * 60_000_000_000n
  // log-uniform durations between 0.05 ms and 3 s, in whole ns
  const durationNs = (scale = 1) => BigInt(Math.max(1, Math.round(Math.exp(Math.log(50_000) + random() * Math.log(60_000)) * scale)))

  for (let i = 0; i < options.traces; i++) {
    const traceId = hex(random, 32)
    const startNs = options.baseNs + BigInt(Math.floor(random() * Number(windowNs)))
    const host = HOSTS[Math.floor(random() * HOSTS.length)]!
    const resource = (service: string) => ({
      TenantId: options.tenantId,
      ServiceName: service,
      ResourceAttributes: { 'service.name': service, 'host.name': host, 'k8s.pod.name': `${service}-${host}` },
      ResourceSchemaUrl: '',
      ScopeName: 'shop',
      ScopeVersion: '1.0.0',
      ScopeAttributes: {},
    })
    const span = (service: string, name: string, kind: SpanKindName, parentSpanId: string, start: bigint, duration: bigint, status: StatusCodeName, attributes: Record<string, string>): SpanRow => {
      const row: SpanRow = {
        ...resource(service),
        Timestamp: start,
        TraceId: traceId,
        SpanId: hex(random, 16),
        ParentSpanId: parentSpanId,
        TraceState: '',
        TraceFlags: 1,
        SpanName: name,
        SpanKind: kind,
        SpanAttributes: attributes,
        Duration: duration,
        StatusCode: status,
        StatusMessage: status === 'STATUS_CODE_ERROR' ? 'failed' : '',
        DroppedAttributesCount: 0,
        DroppedEventsCount: 0,
        DroppedLinksCount: 0,
        'Events.Timestamp': status === 'STATUS_CODE_ERROR' ? [start + 1n] : [],
        'Events.Name': status === 'STATUS_CODE_ERROR' ? ['exception'] : [],
        'Events.Attributes': status === 'STATUS_CODE_ERROR' ? [{ 'exception.type': 'Error' }] : [],
        'Links.TraceId': [],
        'Links.SpanId': [],
        'Links.TraceState': [],
        'Links.Attributes': [],
      }
      spans.push(row)
      return row
    }
    const log = (entry: SpanRow, severityNumber: number, body: string) => {
      logs.push({
        ...resource(entry.ServiceName),
        Timestamp: entry.Timestamp + entry.Duration / 2n,
        ObservedTimestamp: entry.Timestamp + entry.Duration,
        TraceId: traceId,
        SpanId: entry.SpanId,
        TraceFlags: 1,
        SeverityText: severityNumber >= 17 ? 'ERROR' : 'INFO',
        SeverityNumber: severityNumber,
        Body: body,
        EventName: '',
        LogAttributes: { 'order.id': String(i) },
        DroppedAttributesCount: 0,
      })
    }

    const checkoutFails = random() < 0.08
    const isCheckout = random() < 0.6
    const rootName = isCheckout ? 'GET /checkout' : 'GET /products'
    const rootDuration = durationNs(2)
    const rootFails = isCheckout && checkoutFails && random() < 0.7
    const root = span(`${prefix}frontend`, rootName, 'SPAN_KIND_SERVER', '', startNs, rootDuration, rootFails ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_UNSET', {
      'http.request.method': 'GET',
      'http.route': rootName.slice(4),
      'user.tier': random() < 0.2 ? 'gold' : 'basic',
    })
    log(root, rootFails ? 17 : 9, rootFails ? `checkout failed for order ${i}` : `served ${rootName} order ${i}`)
    if (isCheckout) {
      const clientStart = startNs + rootDuration / 10n
      const inner = rootDuration / 2n + 1n
      const client = span(`${prefix}frontend`, 'POST /api/checkout', 'SPAN_KIND_CLIENT', root.SpanId, clientStart, inner, checkoutFails ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_UNSET', { 'http.request.method': 'POST' })
      const serverDuration = durationNs()
      const server = span(`${prefix}checkout`, 'POST /api/checkout', 'SPAN_KIND_SERVER', client.SpanId, clientStart + 1000n, serverDuration, checkoutFails ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_OK', {
        'http.request.method': 'POST',
        'order.items': String(1 + Math.floor(random() * 5)),
      })
      log(server, checkoutFails ? 18 : 10, checkoutFails ? `payment declined for order ${i}: card_declined` : `order ${i} placed`)
      span(`${prefix}checkout`, 'SELECT orders', 'SPAN_KIND_INTERNAL', server.SpanId, clientStart + 2000n, serverDuration / 3n + 1n, 'STATUS_CODE_UNSET', { 'db.system': 'postgresql' })
      if (!checkoutFails) {
        const consumer = span(`${prefix}payments`, 'payments process', 'SPAN_KIND_CONSUMER', server.SpanId, clientStart + serverDuration, durationNs(0.5), random() < 0.03 ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_UNSET', {
          'messaging.system': 'kafka',
        })
        log(consumer, consumer.StatusCode === 'STATUS_CODE_ERROR' ? 17 : 9, `charged order ${i}`)
      }
    }
  }

  const gauges: GaugeRow[] = []
  const minuteNs = 60_000_000_000n
  for (let m = 0; m < options.minutes; m++) {
    for (const [h, host] of HOSTS.entries()) {
      const base = {
        TenantId: options.tenantId,
        ServiceName: 'periscope-agent',
        MetricDescription: '',
        MetricUnit: '1',
        ResourceAttributes: { 'host.name': host, 'service.name': 'periscope-agent' },
        ResourceSchemaUrl: '',
        ScopeName: 'host_metrics',
        ScopeVersion: '',
        ScopeAttributes: {},
        StartTimeUnix: 0n,
        TimeUnix: options.baseNs + BigInt(m) * minuteNs + 30_000_000_000n,
        Flags: 0,
      }
      // two CPUs × (user, system, idle): busy fraction of the host = (h + 1) / 10
      for (const cpu of ['0', '1']) {
        gauges.push({ ...base, MetricName: 'system.cpu.utilization', MetricUnit: '1', Attributes: { cpu, state: 'user' }, Value: (h + 1) / 20 })
        gauges.push({ ...base, MetricName: 'system.cpu.utilization', MetricUnit: '1', Attributes: { cpu, state: 'system' }, Value: (h + 1) / 20 })
        gauges.push({ ...base, MetricName: 'system.cpu.utilization', MetricUnit: '1', Attributes: { cpu, state: 'idle' }, Value: 1 - (h + 1) / 10 })
      }
      gauges.push({ ...base, MetricName: 'system.cpu.load_average.1m', MetricUnit: '{thread}', Attributes: {}, Value: h + 0.5 })
    }
  }
  return { spans, logs, gauges }
}
