import { describe, expect, it } from 'vitest'
import { keyValuesOf, metricRows, validateLogs, validateMetrics, type LogRecord, type Metric, type MetricsRequest } from './index.ts'

const point = (timeUnixNano: bigint, attrs: Record<string, unknown> = {}) => ({
  attributes: keyValuesOf(attrs),
  startTimeUnixNano: 0n,
  timeUnixNano,
  flags: 0,
  value: { type: 'double' as const, value: 1 },
  exemplars: [],
})

function metricsOf(...metrics: Metric[]): MetricsRequest {
  return { resourceMetrics: [{ resource: null, schemaUrl: '', scopeMetrics: [{ scope: null, schemaUrl: '', metrics }] }] }
}

const histogram = (bucketCounts: bigint[], explicitBounds: number[]) => ({
  attributes: [],
  startTimeUnixNano: 0n,
  timeUnixNano: 5n,
  flags: 0,
  count: 1n,
  sum: 1,
  bucketCounts,
  explicitBounds,
  exemplars: [],
  min: null,
  max: null,
})

const req = metricsOf(
  { name: 'ok', description: '', unit: '', metadata: [], data: { type: 'gauge', dataPoints: [point(1n), point(0n), point(2n)] } },
  { name: '', description: '', unit: '', metadata: [], data: { type: 'gauge', dataPoints: [point(1n), point(2n)] } },
  { name: 'h', description: '', unit: '', metadata: [], data: { type: 'histogram', aggregationTemporality: 2, dataPoints: [histogram([1n, 2n], [1]), histogram([1n, 2n], [1, 2]), histogram([], [1, 2])] } },
  { name: 'none', description: '', unit: '', metadata: [], data: { type: 'none' } },
)

const expectedRejections = [
  { path: 'resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[1].timeUnixNano', reason: 'time is missing' },
  { path: 'resourceMetrics[0].scopeMetrics[0].metrics[1].name', reason: 'metric name is empty' },
  { path: 'resourceMetrics[0].scopeMetrics[0].metrics[1].name', reason: 'metric name is empty' },
  { path: 'resourceMetrics[0].scopeMetrics[0].metrics[2].histogram.dataPoints[1].bucketCounts', reason: '2 bucket counts for 2 explicit bounds (want bounds + 1)' },
]

describe('metric data point validation', () => {
  it('rejects points per item in the rows', () => {
    const { rows, rejected } = metricRows(req, 't')
    expect(rejected).toEqual(expectedRejections)
    expect(rows.gauge.map((r) => r.TimeUnix)).toEqual([1n, 2n])
    expect(rows.histogram.map((r) => r.BucketCounts)).toEqual([[1n, 2n], []])
  })

  it('filters the same points out of the request for the collector', () => {
    const { request, rejected } = validateMetrics(req)
    expect(rejected).toEqual(expectedRejections)
    const metrics = request.resourceMetrics[0]!.scopeMetrics[0]!.metrics
    expect(metrics.map((m) => [m.name, m.data.type === 'none' ? 0 : m.data.dataPoints.length])).toEqual([
      ['ok', 2],
      ['h', 2],
      ['none', 0],
    ])
    expect(metricRows(request, 't').rejected).toEqual([])
  })

  it('returns the request itself when nothing is wrong', () => {
    const good = metricsOf({ name: 'ok', description: '', unit: '', metadata: [], data: { type: 'gauge', dataPoints: [point(1n)] } })
    expect(validateMetrics(good).request).toBe(good)
  })
})

describe('validateLogs', () => {
  it('drops records with bad ids and reports their paths', () => {
    const record = (traceId: Uint8Array): LogRecord => ({
      timeUnixNano: 1n,
      observedTimeUnixNano: 1n,
      severityNumber: 0,
      severityText: '',
      body: null,
      attributes: [],
      droppedAttributesCount: 0,
      flags: 0,
      traceId,
      spanId: new Uint8Array(0),
      eventName: '',
    })
    const { request, rejected } = validateLogs({
      resourceLogs: [{ resource: null, schemaUrl: '', scopeLogs: [{ scope: null, schemaUrl: '', logRecords: [record(new Uint8Array(0)), record(new Uint8Array(3))] }] }],
    })
    expect(rejected).toEqual([{ path: 'resourceLogs[0].scopeLogs[0].logRecords[1].traceId', reason: 'trace id must be empty or 16 bytes, got 3' }])
    expect(request.resourceLogs[0]!.scopeLogs[0]!.logRecords).toHaveLength(1)
  })
})
