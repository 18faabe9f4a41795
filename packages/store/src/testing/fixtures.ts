/**
 * Hand-written rows for the store's integration tests: every column of every signal table,
 * with values that exercise the encoding (full-precision ns times, 64-bit counts, maps with
 * quotes and unicode, nested Events/Links, NaN/Inf, nulls).
 */
import type { ExponentialHistogramRow, GaugeRow, HistogramRow, LogRow, SpanRow, SumRow, SummaryRow } from '@periscope/model'

/** a recent time (TTLs would drop older rows at insert) with all nine sub-second digits set */
export const T0 = (BigInt(Date.now()) / 1000n - 3600n) * 1_000_000_000n + 123_456_789n

const resource = {
  TenantId: 't-acme',
  ServiceName: 'checkout',
  ResourceAttributes: { 'service.name': 'checkout', 'host.name': 'node-1', 'k8s.pod.name': 'checkout-7d9f' },
  ResourceSchemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
  ScopeName: '@opentelemetry/instrumentation-http',
  ScopeVersion: '0.223.0',
  ScopeAttributes: {},
}

export function spanFixture(overrides: Partial<SpanRow> = {}): SpanRow {
  return {
    ...resource,
    Timestamp: T0,
    TraceId: '0af7651916cd43dd8448eb211c80319c',
    SpanId: 'b7ad6b7169203331',
    ParentSpanId: '',
    TraceState: 'rojo=00f067aa0ba902b7',
    TraceFlags: 1,
    SpanName: 'POST /api/checkout',
    SpanKind: 'SPAN_KIND_SERVER',
    SpanAttributes: { 'http.request.method': 'POST', 'url.path': '/api/checkout', 'note': 'quote " backslash \\ tab \t ünïcødé ✓' },
    Duration: 123_456_789n,
    StatusCode: 'STATUS_CODE_ERROR',
    StatusMessage: 'payment declined',
    DroppedAttributesCount: 2,
    DroppedEventsCount: 0,
    DroppedLinksCount: 1,
    'Events.Timestamp': [T0 + 1n, T0 + 999_999_999n],
    'Events.Name': ['exception', 'retry'],
    'Events.Attributes': [{ 'exception.type': 'PaymentError', 'exception.message': 'declined' }, {}],
    'Links.TraceId': ['5b8efff798038103d269b633813fc60c'],
    'Links.SpanId': ['eee19b7ec3c1b174'],
    'Links.TraceState': [''],
    'Links.Attributes': [{ 'link.kind': 'follows' }],
    ...overrides,
  }
}

export function logFixture(overrides: Partial<LogRow> = {}): LogRow {
  return {
    ...resource,
    Timestamp: T0 + 5n,
    ObservedTimestamp: T0 + 7n,
    TraceId: '0af7651916cd43dd8448eb211c80319c',
    SpanId: 'b7ad6b7169203331',
    TraceFlags: 1,
    SeverityText: 'ERROR',
    SeverityNumber: 17,
    Body: 'payment declined for order 42: {"code":"card_declined"}',
    EventName: '',
    LogAttributes: { 'order.id': '42', 'exception.type': 'PaymentError' },
    DroppedAttributesCount: 0,
    ...overrides,
  }
}

const metricBase = {
  ...resource,
  MetricName: 'http.server.request.duration',
  MetricDescription: 'Duration of HTTP server requests.',
  MetricUnit: 's',
  Attributes: { 'http.request.method': 'GET', 'http.response.status_code': '200' },
  StartTimeUnix: T0 - 60_000_000_000n,
  TimeUnix: T0,
  Flags: 0,
}

export const gaugeFixture: GaugeRow = { ...metricBase, MetricName: 'process.memory.usage', MetricUnit: 'By', Value: Number.NaN }
export const sumFixture: SumRow = { ...metricBase, MetricName: 'http.server.requests', MetricUnit: '1', Value: 1234.5, AggregationTemporality: 2, IsMonotonic: true }
export const histogramFixture: HistogramRow = {
  ...metricBase,
  Count: 18_446_744_073_709_551_615n,
  Sum: 12.75,
  BucketCounts: [1n, 2n, 9_007_199_254_740_993n],
  ExplicitBounds: [0.005, 0.1],
  Min: 0.001,
  Max: null,
  AggregationTemporality: 1,
}
export const exponentialHistogramFixture: ExponentialHistogramRow = {
  ...metricBase,
  Count: 10n,
  Sum: Number.POSITIVE_INFINITY,
  Scale: -3,
  ZeroCount: 1n,
  ZeroThreshold: 1e-9,
  PositiveOffset: -2,
  PositiveBucketCounts: [3n, 4n],
  NegativeOffset: 0,
  NegativeBucketCounts: [],
  Min: null,
  Max: 9.5,
  AggregationTemporality: 2,
}
export const summaryFixture: SummaryRow = {
  ...metricBase,
  MetricName: 'rpc.duration',
  Count: 100n,
  Sum: 5.5,
  'ValueAtQuantiles.Quantile': [0.5, 0.99],
  'ValueAtQuantiles.Value': [0.04, 0.3],
}
