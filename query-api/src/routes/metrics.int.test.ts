/**
 * Metric names and series on the embedded engine, with hand-made points whose answers the test
 * computes: gauge sum/avg/min/max grouped by a label, counter rates across a reset (cumulative)
 * and of delta points, histogram percentiles and averages, label filters, tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GaugeRow, HistogramRow, SumRow } from '@periscope/model'
import type { ApiInstance } from './route-module.ts'
import { openHarness, type Harness } from '../testing/harness.ts'
import type { MetricNamesResponse, MetricQueryResponse } from '../schemas/metrics.ts'

const MINUTE_MS = 60_000
const BASE_MS = Math.floor((Date.now() - 2 * 3600_000) / MINUTE_MS) * MINUTE_MS
const ns = (ms: number) => BigInt(ms) * 1_000_000n
const FROM = BASE_MS
const TO = BASE_MS + 10 * MINUTE_MS

const common = (tenantId: string, service: string) => ({
  TenantId: tenantId,
  ServiceName: service,
  MetricDescription: 'test metric',
  ResourceAttributes: { 'service.name': service, 'host.name': 'node-1' },
  ResourceSchemaUrl: '',
  ScopeName: 'test',
  ScopeVersion: '',
  ScopeAttributes: {},
  Flags: 0,
})

// gauge: queue a = i, queue b = 100 + 2i, a point every 15 s (4 per minute)
const gauges: GaugeRow[] = []
for (let i = 0; i < 40; i++) {
  for (const [queue, value] of [['a', i], ['b', 100 + 2 * i]] as const) {
    gauges.push({ ...common('acme', 'worker'), MetricName: 'queue.depth', MetricUnit: '{message}', Attributes: { queue }, StartTimeUnix: 0n, TimeUnix: ns(BASE_MS + i * 15_000 + 1), Value: value })
  }
}
gauges.push({ ...common('globex', 'gx-worker'), MetricName: 'globex.only', MetricUnit: '1', Attributes: {}, StartTimeUnix: 0n, TimeUnix: ns(BASE_MS + 1000), Value: 1 })

// cumulative counter on two series, +6 per 10 s on series x, +1 per 10 s on y with a restart at minute 5
const sums: SumRow[] = []
for (let i = -6; i < 60; i++) {
  const t = BASE_MS + i * 10_000 + 5
  sums.push({ ...common('acme', 'api'), MetricName: 'http.requests', MetricUnit: '{request}', Attributes: { route: 'x' }, StartTimeUnix: ns(BASE_MS - 3600_000), TimeUnix: ns(t), Value: 1000 + 6 * i, AggregationTemporality: 2, IsMonotonic: true })
  const restarted = i >= 30
  sums.push({
    ...common('acme', 'api'),
    MetricName: 'http.requests',
    MetricUnit: '{request}',
    Attributes: { route: 'y' },
    StartTimeUnix: restarted ? ns(BASE_MS + 5 * MINUTE_MS) : ns(BASE_MS - 3600_000),
    TimeUnix: ns(t),
    Value: restarted ? i - 29 : 500 + i,
    AggregationTemporality: 2,
    IsMonotonic: true,
  })
  // a delta counter: 3 per point
  sums.push({ ...common('acme', 'api'), MetricName: 'jobs.done', MetricUnit: '{job}', Attributes: {}, StartTimeUnix: ns(t - 10_000), TimeUnix: ns(t), Value: 3, AggregationTemporality: 1, IsMonotonic: true })
}

// cumulative histogram, bounds [10, 50, 100, 500]: each 10 s, 2 observations in (10, 50] with sum 60,
// and in minutes 5..9 also 8 in (100, 500] with sum 2000
const histograms: HistogramRow[] = []
{
  let counts = [0, 0, 0, 0, 0]
  let sum = 0
  for (let i = -6; i < 60; i++) {
    counts = [...counts]
    counts[1]! += 2
    sum += 60
    if (i >= 30) {
      counts[3]! += 8
      sum += 2000
    }
    histograms.push({
      ...common('acme', 'api'),
      MetricName: 'http.server.duration',
      MetricUnit: 'ms',
      Attributes: {},
      StartTimeUnix: ns(BASE_MS - 3600_000),
      TimeUnix: ns(BASE_MS + i * 10_000 + 7),
      Count: BigInt(counts.reduce((a, b) => a + b, 0)),
      Sum: sum,
      BucketCounts: counts.map(BigInt),
      ExplicitBounds: [10, 50, 100, 500],
      Min: null,
      Max: null,
      AggregationTemporality: 2,
    })
  }
}

let harness: Harness
let app: ApiInstance
let acme: { authorization: string }
let globex: { authorization: string }

beforeAll(async () => {
  harness = await openHarness('metrics')
  await harness.store.insert('otel_metrics_gauge', gauges)
  await harness.store.insert('otel_metrics_sum', sums)
  await harness.store.insert('otel_metrics_histogram', histograms)
  app = await harness.app()
  acme = await harness.token('acme', 'viewer')
  globex = await harness.token('globex', 'viewer')
})

afterAll(async () => {
  await harness?.close()
})

async function query(params: string, auth = acme): Promise<MetricQueryResponse> {
  const response = await app.inject({ url: `/api/v1/metrics/query?from=${FROM}&to=${TO}&step=1m&${params}`, headers: auth })
  expect(response.statusCode, response.body).toBe(200)
  return response.json()
}

const minutes = Array.from({ length: 10 }, (_, m) => m)

describe('GET /metrics/names', () => {
  it("lists the tenant's metrics with kind, unit and monotonicity", async () => {
    const response = await app.inject({ url: `/api/v1/metrics/names?from=${FROM - MINUTE_MS * 5}&to=${TO}`, headers: acme })
    const body: MetricNamesResponse = response.json()
    expect(body.metrics.map((m) => [m.name, m.kind, m.monotonic, m.unit])).toEqual([
      ['http.requests', 'sum', true, '{request}'],
      ['http.server.duration', 'histogram', false, 'ms'],
      ['jobs.done', 'sum', true, '{job}'],
      ['queue.depth', 'gauge', false, '{message}'],
    ])
    const theirs: MetricNamesResponse = (await app.inject({ url: `/api/v1/metrics/names?from=${FROM}&to=${TO}`, headers: globex })).json()
    expect(theirs.metrics.map((m) => m.name)).toEqual(['globex.only'])
  })
})

describe('GET /metrics/query', () => {
  it('aggregates a gauge per step, grouped by a label', async () => {
    const avg = await query('name=queue.depth&aggregation=avg&groupBy=queue')
    expect(avg.series.map((s) => s.labels)).toEqual([{ queue: 'a' }, { queue: 'b' }])
    const [a, b] = avg.series
    minutes.forEach((m) => {
      const is = [4 * m, 4 * m + 1, 4 * m + 2, 4 * m + 3]
      expect(a!.points[m]).toEqual({ t: BASE_MS + m * MINUTE_MS, value: is.reduce((x, i) => x + i, 0) / 4 })
      expect(b!.points[m]!.value).toBeCloseTo(is.reduce((x, i) => x + 100 + 2 * i, 0) / 4, 9)
    })
    const sum = await query('name=queue.depth&aggregation=sum')
    expect(sum.series).toHaveLength(1)
    // each series' last value in the minute, added
    minutes.forEach((m) => expect(sum.series[0]!.points[m]!.value).toBe(4 * m + 3 + 100 + 2 * (4 * m + 3)))
    const max = await query('name=queue.depth&aggregation=max')
    minutes.forEach((m) => expect(max.series[0]!.points[m]!.value).toBe(100 + 2 * (4 * m + 3)))
    const min = await query('name=queue.depth&aggregation=min&label.queue=b')
    minutes.forEach((m) => expect(min.series[0]!.points[m]!.value).toBe(100 + 2 * 4 * m))
  })

  it('gives counter rates per second, across a restart, and of delta points', async () => {
    const rate = await query('name=http.requests&groupBy=route')
    expect(rate.aggregation).toBe('rate')
    expect(rate.unit).toBe('{request}/s')
    const [x, y] = rate.series
    // 6 points a minute, each +6 (x) / +1 (y); y's restart point counts its new value (1)
    minutes.forEach((m) => {
      expect(x!.points[m]!.value).toBeCloseTo(36 / 60, 12)
      expect(y!.points[m]!.value).toBeCloseTo(6 / 60, 12)
    })
    const delta = await query('name=jobs.done&aggregation=rate')
    minutes.forEach((m) => expect(delta.series[0]!.points[m]!.value).toBeCloseTo(18 / 60, 12))
  })

  it('gives histogram percentiles, averages and observation rates', async () => {
    const p50 = await query('name=http.server.duration&aggregation=p50')
    const p99 = await query('name=http.server.duration&aggregation=p99')
    const avg = await query('name=http.server.duration&aggregation=avg')
    const rate = await query('name=http.server.duration&aggregation=rate')
    for (const m of minutes) {
      if (m < 5) {
        // 12 observations in (10, 50]: rank 6 of 12 → halfway
        expect(p50.series[0]!.points[m]!.value).toBeCloseTo(30, 9)
        expect(avg.series[0]!.points[m]!.value).toBeCloseTo(30, 9)
        expect(rate.series[0]!.points[m]!.value).toBeCloseTo(12 / 60, 12)
      } else {
        // 12 in (10, 50] and 48 in (100, 500]: p50 rank 30 → 18th of 48 in (100, 500]
        expect(p50.series[0]!.points[m]!.value).toBeCloseTo(100 + 400 * (18 / 48), 9)
        expect(p99.series[0]!.points[m]!.value).toBeCloseTo(100 + 400 * ((0.99 * 60 - 12) / 48), 9)
        expect(avg.series[0]!.points[m]!.value).toBeCloseTo((6 * 60 + 6 * 2000) / 60, 9)
      }
    }
  })

  it('refuses aggregations that do not fit the kind, and answers 404 for an unknown metric', async () => {
    expect((await app.inject({ url: `/api/v1/metrics/query?from=${FROM}&to=${TO}&name=queue.depth&aggregation=p99`, headers: acme })).statusCode).toBe(400)
    expect((await app.inject({ url: `/api/v1/metrics/query?from=${FROM}&to=${TO}&name=nope`, headers: acme })).statusCode).toBe(404)
    expect((await app.inject({ url: `/api/v1/metrics/query?from=${FROM}&to=${TO}&name=queue.depth&grupBy=x`, headers: acme })).statusCode).toBe(400)
    // another tenant's metric does not exist for this one
    expect((await app.inject({ url: `/api/v1/metrics/query?from=${FROM}&to=${TO}&name=globex.only`, headers: acme })).statusCode).toBe(404)
  })
})
