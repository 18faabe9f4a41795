/**
 * SLOs over the embedded engine: CRUD with versions and roles, status numbers against counts
 * the test takes from its own spans (every window, rollups and raw edges mixed: `now` is not
 * minute-aligned), the latency bucket rule, the burn-down, suggestions and accepting them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { latencyBucketOf, latencyBucketUpperNs } from '@periscope/store'
import type { SpanRow } from '@periscope/model'
import { openHarness, type Harness } from '../testing/harness.ts'
import { countIn, traffic } from '../alerts/testing/traffic.ts'
import type { ApiInstance } from './route-module.ts'
import type { Slo, SloStatus, SloSuggestionsResponse } from '../schemas/slos.ts'

const MINUTE_MS = 60_000
const DAY_MS = 86_400_000
const NS = 1_000_000n
// minute-aligned a day ahead, plus 20.5 s: every window has partial minutes at both ends, and
// a week back from it is within the spans' 7-day retention (ttl.tracesDays)
const NOW_MS = Math.floor((Date.now() + DAY_MS) / MINUTE_MS) * MINUTE_MS + 20_500
const nowNs = BigInt(NOW_MS) * NS
const INCIDENT_FROM_NS = nowNs - 40n * 60_000n * NS

// 8 days of checkout traffic, 3 requests a minute: 0.05 % errors, 25 % in the last 40 minutes;
// durations 5..54 ms
const checkout = traffic({
  tenantId: 'acme',
  service: 'checkout',
  fromNs: nowNs - 8n * BigInt(DAY_MS) * NS,
  toNs: nowNs + 10n * 60_000n * NS,
  perMinute: 3,
  fails: (t, i) => (t >= INCIDENT_FROM_NS ? i % 4 === 0 : i % 2000 === 0),
  durationNs: (_t, i) => BigInt(5 + (i % 50)) * NS,
})
const quiet = traffic({ tenantId: 'acme', service: 'quiet', fromNs: nowNs - 3_600_000n * NS, toNs: nowNs, perMinute: 1 })

let harness: Harness
let app: ApiInstance
let editor: { authorization: string }
let viewer: { authorization: string }
let globex: { authorization: string }

beforeAll(async () => {
  harness = await openHarness('slos')
  await harness.store.insert('otel_traces', [...checkout, ...quiet])
  app = await harness.app({ clock: { nowMs: () => NOW_MS } })
  editor = await harness.token('acme', 'editor')
  viewer = await harness.token('acme', 'viewer')
  globex = await harness.token('globex', 'editor')
})

afterAll(async () => {
  await harness?.close()
})

const post = (url: string, payload: unknown, headers = editor) => app.inject({ method: 'POST', url: `/api/v1${url}`, headers, payload: payload as object })
const get = (url: string, headers = viewer) => app.inject({ method: 'GET', url: `/api/v1${url}`, headers })

describe('suggestions (before any SLO exists)', () => {
  it('suggests availability at 99.9 % and latency at the observed p99 for services with traffic', async () => {
    const response = await get('/slos/suggestions')
    expect(response.statusCode).toBe(200)
    const body = response.json<SloSuggestionsResponse>()
    expect(body.suggestions.map((s) => [s.service, s.sli])).toEqual([
      ['checkout', 'availability'],
      ['checkout', 'latency'],
    ])
    const weekAgoNs = nowNs - 7n * BigInt(DAY_MS) * NS
    const observed = countIn(checkout, weekAgoNs, nowNs)
    const latency = body.suggestions[1]!
    expect(body.suggestions[0]).toMatchObject({ objective: 99.9, thresholdMs: null, windowDays: 30, observed: { requests: observed.total } })
    expect(body.suggestions[0]!.observed.errorRate).toBeCloseTo(observed.bad / observed.total, 12)
    // durations are 5..54 ms evenly: the nearest-rank p99 is 54 ms (observed, capped at the
    // slowest request); the threshold starts from its bucket's upper bound (54.x ms, so every
    // 54 ms request counts good under the bucket rule) rounded up to two digits: 55 ms, at 99 %
    expect(latencyBucketUpperNs(latencyBucketOf(54_000_000))).toBeGreaterThan(54_000_000)
    expect(latency).toMatchObject({ sli: 'latency', objective: 99, thresholdMs: 55 })
    expect(latency.observed.p99Ms).toBe(54)
  })

  it('creates a service’s suggested SLOs in one call, then suggests them no more', async () => {
    const accepted = await post('/slos/suggestions/checkout/accept', {})
    expect(accepted.statusCode).toBe(201)
    const body = accepted.json<{ slos: Slo[]; existing: Slo[] }>()
    expect(body.slos.map((s) => [s.sli, s.objective, s.thresholdMs, s.window])).toEqual([
      ['availability', 99.9, null, '30d'],
      ['latency', 99, 55, '30d'],
    ])
    expect((await get('/slos/suggestions')).json<SloSuggestionsResponse>().suggestions).toEqual([])
    const again = await post('/slos/suggestions/checkout/accept', null)
    expect(again.statusCode).toBe(201)
    expect(again.json<{ slos: Slo[]; existing: Slo[] }>()).toMatchObject({ slos: [], existing: [{ sli: 'availability' }, { sli: 'latency' }] })
    expect((await post('/slos/suggestions/quiet/accept', {})).statusCode).toBe(404)
  })
})

describe('CRUD', () => {
  it('creates, reads, replaces with If-Match and deletes; refuses what the schema cannot say', async () => {
    const created = await post('/slos', { name: 'Checkout 99', service: 'checkout', sli: 'availability', objective: 99, windowDays: 7 })
    expect(created.statusCode).toBe(201)
    const slo = created.json<Slo>()
    expect(slo).toMatchObject({ name: 'Checkout 99', service: 'checkout', operation: null, sli: 'availability', objective: 99, thresholdMs: null, windowDays: 7, window: '7d' })
    expect(created.headers.etag).toBe(`"v${slo.version}"`)
    expect((await get(`/slos/${slo.id}`)).json<Slo>()).toEqual(slo)

    const stale = await app.inject({ method: 'PUT', url: `/api/v1/slos/${slo.id}`, headers: { ...editor, 'if-match': '"v1"' }, payload: { name: 'x', service: 'checkout', sli: 'availability', objective: 99 } })
    expect(stale.statusCode).toBe(412)
    const replaced = await app.inject({ method: 'PUT', url: `/api/v1/slos/${slo.id}`, headers: { ...editor, 'if-match': created.headers.etag as string }, payload: { name: 'Checkout 99.5', service: 'checkout', sli: 'availability', objective: 99.5, windowDays: 28 } })
    expect(replaced.statusCode).toBe(200)
    expect(replaced.json<Slo>()).toMatchObject({ id: slo.id, objective: 99.5, window: '28d', createdAt: slo.createdAt })

    expect((await post('/slos', { name: 'l', service: 'checkout', sli: 'latency', objective: 99 })).statusCode).toBe(400)
    expect((await post('/slos', { name: 'a', service: 'checkout', sli: 'availability', objective: 99, thresholdMs: 10 })).statusCode).toBe(400)
    expect((await post('/slos', { name: 'a', service: 'checkout', sli: 'availability', objective: 100 })).statusCode).toBe(400)
    expect((await post('/slos', { name: 'a', service: 'checkout', sli: 'availability', objective: 99, windowDays: 14 })).statusCode).toBe(400)
    expect((await post('/slos', { name: 'a', service: 'checkout', sli: 'availability', objective: 99 }, viewer)).statusCode).toBe(403)
    expect((await get(`/slos/${slo.id}`, globex)).statusCode).toBe(404)

    expect((await app.inject({ method: 'DELETE', url: `/api/v1/slos/${slo.id}`, headers: editor })).statusCode).toBe(204)
    expect((await get(`/slos/${slo.id}`)).statusCode).toBe(404)
    expect((await get('/slos')).json<{ slos: Slo[] }>().slos.map((s) => s.id)).not.toContain(slo.id)
  })
})

/** The documented window start: to − w, or the next whole minute for windows of a day or more. */
function startNs(windowMs: number): bigint {
  const from = nowNs - BigInt(windowMs) * NS
  if (windowMs < DAY_MS) return from
  const minute = 60_000_000_000n
  return ((from + minute - 1n) / minute) * minute
}

describe('status', () => {
  const windows: Record<string, number> = { '5m': 5 * MINUTE_MS, '30m': 30 * MINUTE_MS, '1h': 60 * MINUTE_MS, '6h': 360 * MINUTE_MS, '1d': DAY_MS, '3d': 3 * DAY_MS }

  it('gives SLI, budget, burn rates and time to exhaustion as counted from the spans', async () => {
    const slo = (await post('/slos', { name: 'Checkout availability', service: 'checkout', sli: 'availability', objective: 99, windowDays: 7 })).json<Slo>()
    const response = await get(`/slos/${slo.id}/status`)
    expect(response.statusCode).toBe(200)
    const status = response.json<SloStatus>()

    const week = countIn(checkout, startNs(7 * DAY_MS), nowNs)
    expect(status.requests).toEqual({ total: week.total, good: week.total - week.bad, bad: week.bad })
    expect(status.sli).toBeCloseTo((100 * (week.total - week.bad)) / week.total, 9)
    expect(status.errorBudget.total).toBeCloseTo(0.01, 12)
    expect(status.errorBudget.consumed).toBeCloseTo(week.bad / week.total, 12)
    const remaining = 1 - week.bad / week.total / 0.01
    expect(status.errorBudget.remaining).toBeCloseTo(remaining, 9)
    for (const [window, ms] of Object.entries(windows)) {
      const c = countIn(checkout, startNs(ms), nowNs)
      expect(status.burnRates[window as keyof SloStatus['burnRates']], window).toBeCloseTo(c.bad / c.total / 0.01, 9)
    }
    // the incident: a quarter of the last hour's 40 minutes failed
    expect(status.burnRates['1h']).toBeGreaterThan(14.4)
    expect(remaining).toBeGreaterThan(0)
    expect(status.timeToExhaustionS).toBeCloseTo((remaining * 7 * DAY_MS) / status.burnRates['1h'] / 1000, 3)
    expect(status).toMatchObject({ window: '7d', objective: 99, effectiveThresholdMs: null, evaluatedAt: new Date(NOW_MS).toISOString() })

    // the burn-down: 51-minute buckets (7 d / 200, rounded up to whole minutes), non-increasing,
    // ending at the status's remaining budget
    expect(status.stepMs).toBe(51 * MINUTE_MS)
    const fromMs = Number(startNs(7 * DAY_MS) / NS)
    expect(status.burnDown).toHaveLength(Math.ceil((NOW_MS - fromMs) / status.stepMs))
    expect(status.burnDown.at(-1)).toEqual({ t: NOW_MS, remaining: expect.closeTo(remaining, 9) })
    for (let i = 1; i < status.burnDown.length; i++) expect(status.burnDown[i]!.remaining).toBeLessThanOrEqual(status.burnDown[i - 1]!.remaining + 1e-12)
    expect(status.burnDown[0]!.t).toBe(fromMs + status.stepMs)
  })

  it('counts a latency request good only when its whole bucket is at or under the threshold', async () => {
    const slo = (await post('/slos', { name: 'Checkout fast', service: 'checkout', sli: 'latency', objective: 99, thresholdMs: 40, windowDays: 7 })).json<Slo>()
    const status = (await get(`/slos/${slo.id}/status`)).json<SloStatus>()
    const thresholdNs = 40_000_000
    const slow = (s: SpanRow) => latencyBucketUpperNs(latencyBucketOf(s.Duration)) > thresholdNs
    const week = countIn(checkout, startNs(7 * DAY_MS), nowNs, slow)
    expect(status.requests.bad).toBe(week.bad)
    // durations are whole ms: the documented rule makes 40 ms itself bad (its bucket reaches past 40 ms), 39 ms good
    expect(week.bad).toBe(countIn(checkout, startNs(7 * DAY_MS), nowNs, (s) => s.Duration >= 40_000_000n).bad)
    const hour = countIn(checkout, nowNs - 3_600_000n * NS, nowNs, slow)
    expect(status.burnRates['1h']).toBeCloseTo(hour.bad / hour.total / 0.01, 9)
    expect(status.effectiveThresholdMs).toBeLessThanOrEqual(40)
    expect(status.effectiveThresholdMs).toBeGreaterThan(40 / 1.01)
  })

  it('narrows to one operation, and answers zeros without traffic', async () => {
    const slo = (await post('/slos', { name: 'Other op', service: 'checkout', operation: 'POST /pay', sli: 'availability', objective: 99.9 })).json<Slo>()
    const status = (await get(`/slos/${slo.id}/status`)).json<SloStatus>()
    expect(status).toMatchObject({ sli: null, requests: { total: 0, bad: 0 }, errorBudget: { remaining: 1 }, timeToExhaustionS: null, burnRates: { '5m': 0, '3d': 0 } })
  })
})
