/**
 * Golden signals on the embedded engine with generated shop data: counts, error rates and
 * rates exactly as the test computes them; percentiles within the bucket's 1 % of the exact
 * nearest-rank value (and never below it); hour, minute and raw tiers in every combination
 * giving the very same answer; series, operations, saturation/utilization; tenant isolation.
 * The store's migrations give it the hour tier (golden_signals_1h, filled by its view from the
 * minute tier); a second app plans from minute rollups only, so both plans run over the same data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SpanRow } from '@periscope/model'
import type { ApiInstance } from './route-module.ts'
import { exactQuantile, openHarness, type Harness } from '../testing/harness.ts'
import { generateShop } from '../testing/shop-data.ts'
import type { OperationsResponse, ServicesResponse, SignalsResponse } from '../schemas/services.ts'

const MINUTE_NS = 60_000_000_000n
const HOUR_NS = 60n * MINUTE_NS
const BASE_NS = ((BigInt(Date.now()) * 1_000_000n - 4n * HOUR_NS) / HOUR_NS) * HOUR_NS
const acmeData = generateShop({ tenantId: 'acme', baseNs: BASE_NS, minutes: 180, traces: 2000, seed: 7 })
const globexData = generateShop({ tenantId: 'globex', baseNs: BASE_NS, minutes: 180, traces: 200, seed: 8, servicePrefix: 'gx-' })

let harness: Harness
let app: ApiInstance
let minutesOnly: ApiInstance
let acme: { authorization: string }
let globex: { authorization: string }

beforeAll(async () => {
  harness = await openHarness('services')
  for (const data of [acmeData, globexData]) {
    await harness.store.insert('otel_traces', data.spans)
    await harness.store.insert('otel_metrics_gauge', data.gauges)
  }
  app = await harness.app()
  minutesOnly = await harness.app({ hourlyRollup: false })
  acme = await harness.token('acme', 'viewer')
  globex = await harness.token('globex', 'viewer')
})

afterAll(async () => {
  await harness?.close()
})

const ms = (ns: bigint) => (ns / 1_000_000n).toString()
const isEntry = (s: SpanRow) => s.SpanKind === 'SPAN_KIND_SERVER' || s.SpanKind === 'SPAN_KIND_CONSUMER'
const isError = (s: SpanRow) => s.StatusCode === 'STATUS_CODE_ERROR'

interface Expected {
  requests: number
  errors: number
  okDurations: bigint[]
  errorDurations: bigint[]
  sumNs: bigint
}

function expectedBy(spans: SpanRow[], fromNs: bigint, toNs: bigint, key: (s: SpanRow) => string): Map<string, Expected> {
  const out = new Map<string, Expected>()
  for (const s of spans) {
    if (!isEntry(s) || s.Timestamp < fromNs || s.Timestamp >= toNs) continue
    const e = out.get(key(s)) ?? { requests: 0, errors: 0, okDurations: [], errorDurations: [], sumNs: 0n }
    e.requests++
    e.sumNs += s.Duration
    if (isError(s)) {
      e.errors++
      e.errorDurations.push(s.Duration)
    } else e.okDurations.push(s.Duration)
    out.set(key(s), e)
  }
  return out
}

/** exact ≤ reported ≤ exact × 1.01 (the bucket's relative error), in ms. */
function expectWithinBucket(reportedMs: number | null, durations: bigint[], q: number): void {
  if (durations.length === 0) {
    expect(reportedMs).toBeNull()
    return
  }
  const exactNs = exactQuantile(durations, q)
  expect(reportedMs).not.toBeNull()
  const reportedNs = reportedMs! * 1e6
  expect(reportedNs).toBeGreaterThanOrEqual(exactNs * (1 - 1e-9))
  expect(reportedNs).toBeLessThanOrEqual(exactNs * 1.01 * (1 + 1e-9))
}

const RANGES = {
  hours: { fromNs: BASE_NS, toNs: BASE_NS + 3n * HOUR_NS, auto: 'rollup' },
  minutes: { fromNs: BASE_NS + 7n * MINUTE_NS, toNs: BASE_NS + 47n * MINUTE_NS, auto: 'rollup' },
  unaligned: { fromNs: BASE_NS + 17_123_456_789n, toNs: BASE_NS + 153n * MINUTE_NS + 41_500_000_000n, auto: 'mixed' },
  short: { fromNs: BASE_NS + 5n * MINUTE_NS + 1n, toNs: BASE_NS + 8n * MINUTE_NS, auto: 'raw' },
} as const

async function services(auth: { authorization: string }, fromNs: bigint, toNs: bigint, source: string, on: ApiInstance = app): Promise<ServicesResponse> {
  const response = await on.inject({ url: `/api/v1/services?from=${isoNs(fromNs)}&to=${isoNs(toNs)}&source=${source}`, headers: auth })
  expect(response.statusCode, response.body).toBe(200)
  return response.json()
}

/** RFC 3339 with all nine fraction digits, to carry ns edges through the API. */
function isoNs(ns: bigint): string {
  const seconds = ns / 1_000_000_000n
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 19) + '.' + (ns % 1_000_000_000n).toString().padStart(9, '0') + 'Z'
}

describe('GET /services', () => {
  for (const [name, range] of Object.entries(RANGES)) {
    it(`${name} range: hour, minute and raw tiers agree exactly and match the generated data`, async () => {
      const [auto, raw, rollup, minutes] = await Promise.all([
        services(acme, range.fromNs, range.toNs, 'auto'),
        services(acme, range.fromNs, range.toNs, 'raw'),
        services(acme, range.fromNs, range.toNs, 'rollup'),
        services(acme, range.fromNs, range.toNs, 'rollup', minutesOnly),
      ])
      expect(auto.source).toBe(range.auto)
      expect(raw.source).toBe('raw')
      expect(rollup.source).not.toBe('raw')
      expect(auto.services).toEqual(raw.services)
      expect(rollup.services).toEqual(raw.services)
      expect(minutes.services).toEqual(raw.services)

      const expected = expectedBy(acmeData.spans, range.fromNs, range.toNs, (s) => s.ServiceName)
      expect(raw.services.map((s) => s.name)).toEqual([...expected.keys()].sort())
      const seconds = Number(range.toNs - range.fromNs) / 1e9
      for (const service of raw.services) {
        const e = expected.get(service.name)!
        expect(service.requests).toBe(e.requests)
        expect(service.errors).toBe(e.errors)
        expect(service.errorRate).toBe(e.errors / e.requests)
        expect(service.rps).toBeCloseTo(e.requests / seconds, 9)
        expect(service.meanMs).toBeCloseTo(Number(e.sumNs) / e.requests / 1e6, 6)
        for (const [key, q] of [['p50', 0.5], ['p90', 0.9], ['p95', 0.95], ['p99', 0.99], ['max', 1]] as const) {
          expectWithinBucket(service.latencyMs[key], e.okDurations, q)
          expectWithinBucket(service.errorLatencyMs[key], e.errorDurations, q)
        }
      }
    })
  }

  it('answers each tenant with its own services only', async () => {
    const mine = await services(globex, RANGES.hours.fromNs, RANGES.hours.toNs, 'auto')
    expect(mine.services.map((s) => s.name).sort()).toEqual(['gx-checkout', 'gx-frontend', 'gx-payments'])
    const expected = expectedBy(globexData.spans, RANGES.hours.fromNs, RANGES.hours.toNs, (s) => s.ServiceName)
    expect(mine.services.find((s) => s.name === 'gx-frontend')!.requests).toBe(expected.get('gx-frontend')!.requests)
    const theirs = await services(acme, RANGES.hours.fromNs, RANGES.hours.toNs, 'raw')
    expect(theirs.services.some((s) => s.name.startsWith('gx-'))).toBe(false)
  })

  it('caches aggregates briefly and privately', async () => {
    const response = await app.inject({ url: `/api/v1/services?from=${ms(BASE_NS)}&to=${ms(BASE_NS + MINUTE_NS * 40n)}`, headers: acme })
    expect(response.headers['cache-control']).toBe('private, max-age=10')
  })
})

describe('GET /services/:name/signals', () => {
  const getSignals = async (step: string, source: string, fromNs: bigint, toNs: bigint): Promise<SignalsResponse> => {
    const response = await app.inject({ url: `/api/v1/services/frontend/signals?from=${ms(fromNs)}&to=${ms(toNs)}&step=${step}&source=${source}`, headers: acme })
    expect(response.statusCode, response.body).toBe(200)
    return response.json()
  }

  it('gives hourly points equal on the hour tier and on raw spans', async () => {
    const { fromNs, toNs } = RANGES.hours
    const [rollup, raw] = await Promise.all([getSignals('1h', 'auto', fromNs, toNs), getSignals('1h', 'raw', fromNs, toNs)])
    expect(rollup.source).toBe('rollup')
    expect(rollup.points).toHaveLength(3)
    expect(rollup.points).toEqual(raw.points)
    const expected = expectedBy(acmeData.spans.filter((s) => s.ServiceName === 'frontend'), fromNs, toNs, (s) => ms(((s.Timestamp - fromNs) / HOUR_NS) * HOUR_NS + fromNs))
    for (const point of rollup.points) expect(point.requests).toBe(expected.get(String(point.t))!.requests)
  })

  it('gives per-minute points equal on both paths, exact counts per bucket, and host utilization', async () => {
    const { fromNs, toNs } = RANGES.minutes
    const [rollup, raw] = await Promise.all([getSignals('1m', 'auto', fromNs, toNs), getSignals('1m', 'raw', fromNs, toNs)])
    expect(rollup.source).toBe('rollup')
    expect(rollup.points).toEqual(raw.points)
    expect(rollup.stepMs).toBe(60_000)
    expect(rollup.points).toHaveLength(40)
    const perMinute = expectedBy(acmeData.spans.filter((s) => s.ServiceName === 'frontend'), fromNs, toNs, (s) => ms(((s.Timestamp - fromNs) / MINUTE_NS) * MINUTE_NS + fromNs))
    for (const point of rollup.points) {
      const e = perMinute.get(String(point.t))
      expect(point.requests).toBe(e?.requests ?? 0)
      expect(point.errors).toBe(e?.errors ?? 0)
      expect(point.rps).toBeCloseTo((e?.requests ?? 0) / 60, 9)
      expectWithinBucket(point.p95Ms, e?.okDurations ?? [], 0.95)
    }
    expect(rollup.hosts).toEqual(['node-a', 'node-b', 'node-c'])
    const cpu = rollup.utilization.find((s) => s.metric === 'system.cpu.utilization')!
    // busy fractions 0.1, 0.2, 0.3 on the three hosts: their mean each minute
    for (const point of cpu.points) expect(point.value).toBeCloseTo(0.2, 9)
    const load = rollup.saturation.find((s) => s.metric === 'system.cpu.load_average.1m')!
    for (const point of load.points) expect(point.value).toBeCloseTo(1.5, 9)
  })

  it('chooses a step giving at most 300 points, and refuses a step giving more', async () => {
    const fromMs = Number(ms(BASE_NS))
    const toMs = fromMs + 2 * 24 * 3600_000
    const response = await app.inject({ url: `/api/v1/services/frontend/signals?from=${fromMs}&to=${toMs}`, headers: acme })
    expect(response.statusCode, response.body).toBe(200)
    const body: SignalsResponse = response.json()
    expect(body.points.length).toBeLessThanOrEqual(300)
    expect(body.stepMs).toBe(10 * 60_000)
    const expected = expectedBy(acmeData.spans.filter((s) => s.ServiceName === 'frontend'), BASE_NS, BASE_NS + 3n * HOUR_NS, () => '')
    expect(body.points.reduce((sum, p) => sum + p.requests, 0)).toBe(expected.get('')!.requests)
    const refused = await app.inject({ url: `/api/v1/services/frontend/signals?from=${fromMs}&to=${toMs}&step=1m`, headers: acme })
    expect(refused.statusCode).toBe(400)
    expect(refused.headers['content-type']).toContain('application/problem+json')
  })
})

describe('GET /services/:name/operations', () => {
  it('gives each entry operation with impact = mean × calls, equal on both paths', async () => {
    const { fromNs, toNs } = RANGES.unaligned
    const get = async (source: string): Promise<OperationsResponse> => {
      const response = await app.inject({ url: `/api/v1/services/frontend/operations?from=${isoNs(fromNs)}&to=${isoNs(toNs)}&source=${source}`, headers: acme })
      expect(response.statusCode, response.body).toBe(200)
      return response.json()
    }
    const [mixed, raw] = await Promise.all([get('auto'), get('raw')])
    expect(mixed.source).toBe('mixed')
    expect(mixed.operations).toEqual(raw.operations)
    const expected = expectedBy(acmeData.spans.filter((s) => s.ServiceName === 'frontend'), fromNs, toNs, (s) => s.SpanName)
    expect(raw.operations.map((o) => o.name).sort()).toEqual(['GET /checkout', 'GET /products'])
    const totalNs = [...expected.values()].reduce((sum, e) => sum + e.sumNs, 0n)
    for (const op of raw.operations) {
      const e = expected.get(op.name)!
      expect(op.requests).toBe(e.requests)
      expect(op.errorRate).toBe(e.errors / e.requests)
      expect(op.impact).toBeCloseTo(Number(e.sumNs) / 1e6, 6)
      expect(op.impactShare).toBeCloseTo(Number(e.sumNs) / Number(totalNs), 12)
      expectWithinBucket(op.p99Ms, e.okDurations, 0.99)
    }
    expect(raw.operations[0]!.impact).toBeGreaterThanOrEqual(raw.operations[1]!.impact)
  })
})
