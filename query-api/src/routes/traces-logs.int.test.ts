/**
 * Trace search and retrieval, and log search, on the embedded engine with generated shop data.
 * Expected lists are computed from the generated rows: which traces match which span filters,
 * newest-first order, complete and non-overlapping cursor pages; a trace's spans and logs;
 * ETag/304 of finished traces; tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LogRow, SpanRow } from '@periscope/model'
import type { ApiInstance } from './route-module.ts'
import { openHarness, type Harness } from '../testing/harness.ts'
import { generateShop } from '../testing/shop-data.ts'
import type { TraceResponse, TracesResponse } from '../schemas/traces.ts'
import type { LogsResponse } from '../schemas/logs.ts'

const MINUTE_NS = 60_000_000_000n
const NOW_MS = Date.now()
const BASE_NS = BigInt(NOW_MS - 2 * 3600_000) * 1_000_000n + 123_456_789n
const FROM_MS = NOW_MS - 3 * 3600_000
const TO_MS = NOW_MS
const acmeData = generateShop({ tenantId: 'acme', baseNs: BASE_NS, minutes: 30, traces: 400, seed: 11 })
const globexData = generateShop({ tenantId: 'globex', baseNs: BASE_NS, minutes: 30, traces: 50, seed: 12, servicePrefix: 'gx-' })
// a trace still in progress: its root started a second ago
const fresh = generateShop({ tenantId: 'acme', baseNs: BigInt(NOW_MS - 1000) * 1_000_000n, minutes: 0, traces: 1, seed: 13 })

let harness: Harness
let app: ApiInstance
let acme: { authorization: string }
let globex: { authorization: string }

beforeAll(async () => {
  harness = await openHarness('traces')
  for (const data of [acmeData, globexData, fresh]) {
    await harness.store.insert('otel_traces', data.spans)
    await harness.store.insert('otel_logs', data.logs)
  }
  app = await harness.app()
  acme = await harness.token('acme', 'viewer')
  globex = await harness.token('globex', 'viewer')
})

afterAll(async () => {
  await harness?.close()
})

interface TraceFacts {
  traceId: string
  startNs: bigint
  endNs: bigint
  spans: SpanRow[]
}

function tracesOf(spans: SpanRow[]): Map<string, TraceFacts> {
  const out = new Map<string, TraceFacts>()
  for (const s of spans) {
    const t = out.get(s.TraceId) ?? { traceId: s.TraceId, startNs: s.Timestamp, endNs: s.Timestamp + s.Duration, spans: [] }
    if (s.Timestamp < t.startNs) t.startNs = s.Timestamp
    if (s.Timestamp + s.Duration > t.endNs) t.endNs = s.Timestamp + s.Duration
    t.spans.push(s)
    out.set(s.TraceId, t)
  }
  return out
}

const allAcme = tracesOf([...acmeData.spans, ...fresh.spans])
const newestFirst = (a: TraceFacts, b: TraceFacts) => (a.startNs === b.startNs ? (a.traceId < b.traceId ? 1 : -1) : a.startNs < b.startNs ? 1 : -1)

function expectedIds(match: (s: SpanRow) => boolean): string[] {
  const fromNs = BigInt(FROM_MS) * 1_000_000n
  const toNs = BigInt(TO_MS) * 1_000_000n
  return [...allAcme.values()]
    .filter((t) => t.startNs >= fromNs && t.startNs < toNs && t.spans.some((s) => s.Timestamp >= fromNs && s.Timestamp < toNs && match(s)))
    .sort(newestFirst)
    .map((t) => t.traceId)
}

async function searchAll(query: string, limit: number, auth = acme): Promise<string[]> {
  const ids: string[] = []
  let cursor: string | null = null
  for (let page = 0; page < 100; page++) {
    const url: string = `/api/v1/traces?from=${FROM_MS}&to=${TO_MS}&limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`
    const response = await app.inject({ url, headers: auth })
    expect(response.statusCode, response.body).toBe(200)
    const body: TracesResponse = response.json()
    expect(body.traces.length).toBeLessThanOrEqual(limit)
    ids.push(...body.traces.map((t) => t.traceId))
    cursor = body.nextCursor
    if (!cursor) return ids
  }
  throw new Error('paging did not end')
}

describe('GET /traces', () => {
  it('pages through every trace of the range once, newest first', async () => {
    const ids = await searchAll('', 37)
    expect(ids).toEqual(expectedIds(() => true))
    expect(ids).toHaveLength(401)
  })

  const cases: Array<[string, string, (s: SpanRow) => boolean]> = [
    ['service and error status', '&service=checkout&status=error', (s) => s.ServiceName === 'checkout' && s.StatusCode === 'STATUS_CODE_ERROR'],
    ['operation and duration bounds', '&operation=SELECT%20orders&minDurationMs=20&maxDurationMs=400.5', (s) => s.SpanName === 'SELECT orders' && s.Duration >= 20_000_000n && s.Duration <= 400_500_000n],
    ['a span attribute', '&attr.user.tier=gold', (s) => s.SpanAttributes['user.tier'] === 'gold'],
    ['a resource attribute and a service', '&attr.host.name=node-b&service=payments', (s) => s.ResourceAttributes['host.name'] === 'node-b' && s.ServiceName === 'payments'],
    ['ok status', '&status=ok', (s) => s.StatusCode === 'STATUS_CODE_OK'],
  ]
  for (const [name, query, match] of cases) {
    it(`filters by ${name}`, async () => {
      const expected = expectedIds(match)
      expect(expected.length).toBeGreaterThan(0)
      expect(await searchAll(query, 50)).toEqual(expected)
    })
  }

  it('summarises each trace from the index', async () => {
    const response = await app.inject({ url: `/api/v1/traces?from=${FROM_MS}&to=${TO_MS}&limit=5&service=checkout`, headers: acme })
    const body: TracesResponse = response.json()
    for (const summary of body.traces) {
      const facts = allAcme.get(summary.traceId)!
      expect(summary.startTimeUnixNano).toBe(facts.startNs.toString())
      expect(summary.durationNs).toBe((facts.endNs - facts.startNs).toString())
      expect(summary.spanCount).toBe(facts.spans.length)
      expect(summary.errorCount).toBe(facts.spans.filter((s) => s.StatusCode === 'STATUS_CODE_ERROR').length)
      expect(summary.services).toEqual([...new Set(facts.spans.map((s) => s.ServiceName))].sort())
      expect(summary.rootService).toBe('frontend')
      expect(summary.rootName).toBe(facts.spans.find((s) => s.ParentSpanId === '')!.SpanName)
    }
  })

  it("never shows another tenant's traces", async () => {
    const ids = await searchAll('', 100, globex)
    expect(ids.sort()).toEqual([...tracesOf(globexData.spans).keys()].sort())
  })

  it('refuses unknown parameters, malformed cursors and too many attribute filters', async () => {
    const bad = [
      `/api/v1/traces?servce=checkout`,
      `/api/v1/traces?cursor=not-a-cursor`,
      `/api/v1/traces?cursor=${Buffer.from(JSON.stringify(['logs', '1', '2'])).toString('base64url')}`,
      `/api/v1/traces?${Array.from({ length: 9 }, (_, i) => `attr.k${i}=v`).join('&')}`,
      `/api/v1/traces?minDurationMs=-1`,
    ]
    for (const url of bad) {
      const response = await app.inject({ url, headers: acme })
      expect(response.statusCode, url).toBe(400)
      expect(response.headers['content-type']).toContain('application/problem+json')
    }
  })
})

describe('GET /traces/:traceId', () => {
  const finished = [...tracesOf(acmeData.spans).values()].find((t) => t.spans.length >= 4)!

  it('returns the span tree and the logs of the trace, cached as immutable once finished', async () => {
    const response = await app.inject({ url: `/api/v1/traces/${finished.traceId.toUpperCase()}`, headers: acme })
    expect(response.statusCode, response.body).toBe(200)
    const body: TraceResponse = response.json()
    expect(body.finished).toBe(true)
    expect(body.truncated).toBe(false)
    expect(body.spans.map((s) => s.spanId).sort()).toEqual(finished.spans.map((s) => s.SpanId).sort())
    const byId = new Map(finished.spans.map((s) => [s.SpanId, s]))
    for (const span of body.spans) {
      const row = byId.get(span.spanId)!
      expect(span.parentSpanId).toBe(row.ParentSpanId)
      expect(span.kind).toBe(row.SpanKind.replace('SPAN_KIND_', ''))
      expect(span.statusCode).toBe(row.StatusCode.replace('STATUS_CODE_', ''))
      expect(span.startTimeUnixNano).toBe(row.Timestamp.toString())
      expect(span.durationNs).toBe(row.Duration.toString())
      expect(span.attributes).toEqual(row.SpanAttributes)
      expect(span.resource).toEqual(row.ResourceAttributes)
      expect(span.events.map((e) => e.name)).toEqual(row['Events.Name'])
    }
    const starts = body.spans.map((s) => BigInt(s.startTimeUnixNano))
    expect(starts).toEqual([...starts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
    const expectedLogs = acmeData.logs.filter((l: LogRow) => l.TraceId === finished.traceId)
    expect(body.logs.map((l) => l.body).sort()).toEqual(expectedLogs.map((l) => l.Body).sort())

    const etag = response.headers.etag as string
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/)
    expect(response.headers['cache-control']).toBe('private, max-age=86400, immutable')
    const again = await app.inject({ url: `/api/v1/traces/${finished.traceId}`, headers: { ...acme, 'if-none-match': etag } })
    expect(again.statusCode).toBe(304)
    expect(again.body).toBe('')
  })

  it('does not cache a trace that may still grow', async () => {
    const traceId = fresh.spans[0]!.TraceId
    const response = await app.inject({ url: `/api/v1/traces/${traceId}`, headers: acme })
    expect(response.statusCode).toBe(200)
    expect(response.json().finished).toBe(false)
    expect(response.headers.etag).toBeUndefined()
    expect(response.headers['cache-control']).toBe('no-cache')
  })

  it("answers 404 for another tenant's trace and 400 for a malformed id", async () => {
    expect((await app.inject({ url: `/api/v1/traces/${finished.traceId}`, headers: globex })).statusCode).toBe(404)
    expect((await app.inject({ url: `/api/v1/traces/${'0'.repeat(32)}`, headers: acme })).statusCode).toBe(404)
    expect((await app.inject({ url: `/api/v1/traces/xyz`, headers: acme })).statusCode).toBe(400)
  })
})

describe('GET /logs', () => {
  const fromNs = BigInt(FROM_MS) * 1_000_000n
  const toNs = BigInt(TO_MS) * 1_000_000n
  const inRange = [...acmeData.logs, ...fresh.logs].filter((l) => l.Timestamp >= fromNs && l.Timestamp < toNs)

  async function pageAll(query: string, limit: number, auth = acme): Promise<LogsResponse['logs']> {
    const logs: LogsResponse['logs'] = []
    let cursor: string | null = null
    for (let page = 0; page < 200; page++) {
      const response = await app.inject({ url: `/api/v1/logs?from=${FROM_MS}&to=${TO_MS}&limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`, headers: auth })
      expect(response.statusCode, response.body).toBe(200)
      const body: LogsResponse = response.json()
      logs.push(...body.logs)
      cursor = body.nextCursor
      if (!cursor) return logs
    }
    throw new Error('paging did not end')
  }

  const sortedBodies = (rows: LogRow[]) => rows.map((l) => `${l.Timestamp}|${l.Body}`).sort()

  it('pages through every record once, newest first', async () => {
    const logs = await pageAll('', 97)
    expect(logs).toHaveLength(inRange.length)
    const times = logs.map((l) => BigInt(l.timeUnixNano))
    for (let i = 1; i < times.length; i++) expect(times[i - 1]! >= times[i]!).toBe(true)
    expect(logs.map((l) => `${l.timeUnixNano}|${l.body}`).sort()).toEqual(sortedBodies(inRange))
  })

  it('finds whole words as a phrase, case-insensitively', async () => {
    const logs = await pageAll('&q=Payment%20DECLINED', 50)
    const expected = inRange.filter((l) => /payment declined/i.test(l.Body))
    expect(expected.length).toBeGreaterThan(0)
    expect(logs.map((l) => `${l.timeUnixNano}|${l.body}`).sort()).toEqual(sortedBodies(expected))
    // a part of a word is not a word
    expect(await pageAll('&q=declin', 50)).toEqual([])
  })

  it('filters by severity, service and trace id', async () => {
    const errors = await pageAll('&severity=error&service=checkout', 50)
    expect(errors.map((l) => `${l.timeUnixNano}|${l.body}`).sort()).toEqual(sortedBodies(inRange.filter((l) => l.SeverityNumber >= 17 && l.SeverityNumber <= 20 && l.ServiceName === 'checkout')))
    const atLeastInfo2 = await pageAll('&minSeverity=10', 500)
    expect(atLeastInfo2).toHaveLength(inRange.filter((l) => l.SeverityNumber >= 10).length)
    const traceId = acmeData.logs[0]!.TraceId
    const ofTrace = await pageAll(`&traceId=${traceId}`, 50)
    expect(ofTrace.map((l) => l.body).sort()).toEqual(inRange.filter((l) => l.TraceId === traceId).map((l) => l.Body).sort())
  })

  it("never shows another tenant's records", async () => {
    const logs = await pageAll('', 500, globex)
    expect(logs).toHaveLength(globexData.logs.length)
    expect(logs.every((l) => l.service.startsWith('gx-'))).toBe(true)
  })

  it('refuses an unknown severity', async () => {
    const response = await app.inject({ url: `/api/v1/logs?severity=loud`, headers: acme })
    expect(response.statusCode).toBe(400)
  })
})
