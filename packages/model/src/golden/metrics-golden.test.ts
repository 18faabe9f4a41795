/**
 * Golden test: metrics recorded with the real SDK (sdk-metrics: counter, up-down counter, gauge,
 * histogram, exponential histogram via a view), sent by the official OTLP metric exporters (JSON
 * and protobuf) to a local endpoint, decoded here, and compared with rows written by hand.
 */
import { ValueType, type HrTime } from '@opentelemetry/api'
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http'
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { AggregationType, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeMetrics, encodeMetrics, metricRows, type MetricRows, type MetricsRequest } from '../index.ts'
import { exportOnce, startCaptureServer, type CaptureServer } from './capture-server.ts'

class CollectingReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve()
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve()
  }
}

const hrToNs = (t: HrTime): bigint => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])

async function recordMetrics(): Promise<ResourceMetrics> {
  const reader = new CollectingReader()
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'inventory' }),
    readers: [reader],
    views: [
      { instrumentName: 'latency', aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [10, 100] } } },
      { instrumentName: 'payload.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } },
    ],
  })
  const meter = provider.getMeter('golden-meter', '3.1.0')
  const requests = meter.createCounter('http.requests', { description: 'Requests served', unit: '{request}', valueType: ValueType.INT })
  requests.add(5, { route: '/a' })
  requests.add(3, { route: '/a' })
  requests.add(2, { route: '/b' })
  const depth = meter.createUpDownCounter('queue.depth')
  depth.add(10)
  depth.add(-3.5)
  meter.createGauge('temperature', { unit: 'Cel' }).record(21.5, { room: 'a' })
  const latency = meter.createHistogram('latency', { unit: 'ms' })
  for (const v of [5, 15, 150]) latency.record(v, { op: 'get' })
  const size = meter.createHistogram('payload.size', { unit: 'By' })
  for (const v of [1, 2, 4]) size.record(v)
  const { resourceMetrics, errors } = await reader.collect()
  expect(errors).toEqual([])
  await provider.shutdown()
  return resourceMetrics
}

/** The expected rows; point times are read from the SDK's own data points. */
function expectedRows(sdk: ResourceMetrics): MetricRows {
  const points = new Map<string, { start: bigint; time: bigint }>()
  for (const sm of sdk.scopeMetrics) {
    for (const m of sm.metrics) {
      for (const dp of m.dataPoints) {
        points.set(`${m.descriptor.name}${JSON.stringify(dp.attributes)}`, { start: hrToNs(dp.startTime), time: hrToNs(dp.endTime) })
      }
    }
  }
  const base = (name: string, attrs: Record<string, string>, description: string, unit: string) => {
    const p = points.get(`${name}${JSON.stringify(attrs)}`)!
    return {
      TenantId: 'tenant-c',
      ServiceName: 'inventory',
      ResourceAttributes: { 'service.name': 'inventory' },
      ResourceSchemaUrl: '',
      ScopeName: 'golden-meter',
      ScopeVersion: '3.1.0',
      ScopeAttributes: {},
      MetricName: name,
      MetricDescription: description,
      MetricUnit: unit,
      Attributes: attrs,
      StartTimeUnix: p.start,
      TimeUnix: p.time,
      Flags: 0,
    }
  }
  // exponential histogram of 1, 2, 4 with the SDK's default 160 buckets: index(v) = log2(v) * 2^scale - 1
  // for powers of two, so the span 2^(scale+1) + 1 must fit in 160 -> scale 6, offset -1, 129 buckets
  const positive = new Array<bigint>(129).fill(0n)
  positive[0] = 1n
  positive[64] = 1n
  positive[128] = 1n
  return {
    gauge: [{ ...base('temperature', { room: 'a' }, '', 'Cel'), Value: 21.5 }],
    sum: [
      { ...base('http.requests', { route: '/a' }, 'Requests served', '{request}'), Value: 8, AggregationTemporality: 2, IsMonotonic: true },
      { ...base('http.requests', { route: '/b' }, 'Requests served', '{request}'), Value: 2, AggregationTemporality: 2, IsMonotonic: true },
      { ...base('queue.depth', {}, '', ''), Value: 6.5, AggregationTemporality: 2, IsMonotonic: false },
    ],
    histogram: [
      {
        ...base('latency', { op: 'get' }, '', 'ms'),
        Count: 3n,
        Sum: 170,
        BucketCounts: [1n, 1n, 1n],
        ExplicitBounds: [10, 100],
        Min: 5,
        Max: 150,
        AggregationTemporality: 2,
      },
    ],
    exponentialHistogram: [
      {
        ...base('payload.size', {}, '', 'By'),
        Count: 3n,
        Sum: 7,
        Scale: 6,
        ZeroCount: 0n,
        ZeroThreshold: 0,
        PositiveOffset: -1,
        PositiveBucketCounts: positive,
        NegativeOffset: 0,
        NegativeBucketCounts: [],
        Min: 1,
        Max: 4,
        AggregationTemporality: 2,
      },
    ],
    summary: [],
  }
}

function sorted(rows: MetricRows): MetricRows {
  const key = (r: { MetricName: string; Attributes: Record<string, string> }): string => `${r.MetricName}${JSON.stringify(r.Attributes)}`
  const by = <T extends { MetricName: string; Attributes: Record<string, string> }>(list: T[]): T[] => [...list].sort((a, b) => (key(a) < key(b) ? -1 : 1))
  return { gauge: by(rows.gauge), sum: by(rows.sum), histogram: by(rows.histogram), exponentialHistogram: by(rows.exponentialHistogram), summary: by(rows.summary) }
}

describe('metrics from the official OTLP exporters', () => {
  let server: CaptureServer
  let sdk: ResourceMetrics
  let jsonRequest: MetricsRequest
  let protoRequest: MetricsRequest

  beforeAll(async () => {
    server = await startCaptureServer()
    sdk = await recordMetrics()
    const jsonExporter = new JsonMetricExporter({ url: `${server.baseUrl}/v1/metrics` })
    const protoExporter = new ProtoMetricExporter({ url: `${server.baseUrl}/v1/metrics` })
    await exportOnce(jsonExporter, sdk)
    await exportOnce(protoExporter, sdk)
    await Promise.all([jsonExporter.shutdown(), protoExporter.shutdown()])
    expect(server.requests.map((r) => r.contentType)).toEqual(['application/json', 'application/x-protobuf'])
    const json = decodeMetrics(server.requests[0]!.body, 'json')
    const proto = decodeMetrics(server.requests[1]!.body, 'protobuf')
    if (!json.ok) throw json.error
    if (!proto.ok) throw proto.error
    jsonRequest = json.value
    protoRequest = proto.value
  })

  afterAll(async () => {
    await server.close()
  })

  it('decodes the JSON export into the expected rows', () => {
    const { rows, rejected } = metricRows(jsonRequest, 'tenant-c')
    expect(rejected).toEqual([])
    expect(sorted(rows)).toEqual(expectedRows(sdk))
  })

  it('decodes the protobuf export into the expected rows', () => {
    const { rows, rejected } = metricRows(protoRequest, 'tenant-c')
    expect(rejected).toEqual([])
    expect(sorted(rows)).toEqual(expectedRows(sdk))
  })

  it('gives the same request whichever encoding it came in', () => {
    expect(jsonRequest).toEqual(protoRequest)
  })

  it('keeps integer counters as int values', () => {
    const m = protoRequest.resourceMetrics[0]!.scopeMetrics[0]!.metrics.find((x) => x.name === 'http.requests')!
    expect(m.data.type === 'sum' && m.data.dataPoints.map((p) => p.value)).toEqual([
      { type: 'int', value: 8n },
      { type: 'int', value: 2n },
    ])
  })

  it('round-trips the decoded request through both encodings', () => {
    for (const encoding of ['protobuf', 'json'] as const) {
      const again = decodeMetrics(encodeMetrics(protoRequest, encoding), encoding)
      expect(again.ok && again.value).toEqual(protoRequest)
    }
  })
})
