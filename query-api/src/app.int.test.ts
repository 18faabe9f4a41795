/**
 * The API as a whole on the embedded engine: tokens and roles, dashboards CRUD, the query
 * guards (range, max_execution_time → 504, row cap → 422, per-tenant concurrency → 429), SQL
 * injection strings in every parameter (400 or a harmless literal, never an altered query),
 * tenant isolation, the OpenAPI document and the operational routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openHarness, type Harness } from './testing/harness.ts'
import { generateShop } from './testing/shop-data.ts'
import type { ApiInstance, RouteModule } from './routes/route-module.ts'
import { queryContextOf } from './http/query-context.ts'

const NOW_MS = Date.now()
const BASE_NS = BigInt(NOW_MS - 2 * 3600_000) * 1_000_000n
const acmeData = generateShop({ tenantId: 'acme', baseNs: BASE_NS, minutes: 30, traces: 120, seed: 21 })
const globexData = generateShop({ tenantId: 'globex', baseNs: BASE_NS, minutes: 30, traces: 60, seed: 22, servicePrefix: 'gx-' })
const FROM = NOW_MS - 3 * 3600_000

let harness: Harness
let app: ApiInstance
const auth: Record<string, { authorization: string }> = {}

/** Test-only routes that run statements through the real runner, to drive the guards. */
const probeRoutes: RouteModule = {
  name: 'probe',
  register(api, ctx) {
    api.get('/probe/slow', async (request, reply) =>
      ctx.runner.rows({ name: 'probe.slow', sql: "SELECT count() AS n FROM numbers(1000000000000) WHERE {tenantId:String} != '' AND sipHash64(number) = 0", params: { tenantId: queryContextOf(request, reply).tenantId } }, queryContextOf(request, reply)),
    )
    api.get('/probe/many', async (request, reply) =>
      ctx.runner.rows({ name: 'probe.many', sql: "SELECT number FROM numbers(1000) WHERE {tenantId:String} != ''", params: { tenantId: queryContextOf(request, reply).tenantId } }, queryContextOf(request, reply)),
    )
    api.get('/probe/sleep', async (request, reply) =>
      ctx.runner.rows({ name: 'probe.sleep', sql: "SELECT sleep(0.6) AS s WHERE {tenantId:String} != ''", params: { tenantId: queryContextOf(request, reply).tenantId } }, queryContextOf(request, reply)),
    )
  },
}

beforeAll(async () => {
  harness = await openHarness('app')
  for (const data of [acmeData, globexData]) {
    await harness.store.insert('otel_traces', data.spans)
    await harness.store.insert('otel_logs', data.logs)
    await harness.store.insert('otel_metrics_gauge', data.gauges)
  }
  app = await harness.app()
  for (const role of ['viewer', 'editor', 'admin'] as const) auth[role] = await harness.token('acme', role)
  auth.globex = await harness.token('globex', 'admin')
})

afterAll(async () => {
  await harness?.close()
})

describe('authentication and roles', () => {
  it('needs a known token on every API route', async () => {
    for (const headers of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer short' }, { authorization: `Bearer pqt_0123456789abcdef_${'A'.repeat(43)}` }]) {
      const response = await app.inject({ url: '/api/v1/services', headers })
      expect(response.statusCode).toBe(401)
      expect(response.headers['content-type']).toContain('application/problem+json')
      expect(response.json().code).toBe('PERISCOPE_ERR_QUERY_UNAUTHENTICATED')
    }
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200)
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200)
  })

  it('lets viewers read, editors write dashboards, admins manage tokens', async () => {
    const board = { name: 'b', panels: [] }
    expect((await app.inject({ method: 'POST', url: '/api/v1/dashboards', headers: auth.viewer, payload: board })).statusCode).toBe(403)
    expect((await app.inject({ method: 'POST', url: '/api/v1/dashboards', headers: auth.editor, payload: board })).statusCode).toBe(201)
    expect((await app.inject({ url: '/api/v1/tokens', headers: auth.editor })).statusCode).toBe(403)
    expect((await app.inject({ url: '/api/v1/tokens', headers: auth.admin })).statusCode).toBe(200)
  })

  it('creates a token shown once, lists it without its secret, and revokes it within the cache TTL', async () => {
    let nowMs = NOW_MS
    const clockApp = await harness.app({ clock: { nowMs: () => nowMs } })
    const created = await clockApp.inject({ method: 'POST', url: '/api/v1/tokens', headers: auth.admin, payload: { name: 'ci', role: 'viewer' } })
    expect(created.statusCode, created.body).toBe(201)
    const { id, token } = created.json() as { id: string; token: string }
    expect(token).toMatch(/^pqt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/)
    const listed = await clockApp.inject({ url: '/api/v1/tokens', headers: auth.admin })
    expect(listed.body).not.toContain(token.slice(21))
    expect(listed.json().tokens.find((t: { id: string }) => t.id === id)).toMatchObject({ name: 'ci', role: 'viewer', revokedAt: null })
    const bearer = { authorization: `Bearer ${token}` }
    expect((await clockApp.inject({ url: '/api/v1/services', headers: bearer })).statusCode).toBe(200)
    // another tenant cannot revoke it
    expect((await clockApp.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: auth.globex })).statusCode).toBe(404)
    expect((await clockApp.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: auth.admin })).statusCode).toBe(204)
    nowMs += 31_000
    const revoked = await clockApp.inject({ url: '/api/v1/services', headers: bearer })
    expect(revoked.statusCode).toBe(401)
    expect(revoked.json().detail).toBe('the token was revoked')
  })
})

describe('dashboards', () => {
  const board = {
    name: 'Checkout',
    description: 'RED of checkout',
    tags: ['shop'],
    timeRange: { from: 'now-6h', to: 'now' },
    panels: [
      { id: 'rps', title: 'Requests', type: 'timeseries', query: { source: 'signals', service: 'checkout', signals: ['rps', 'errorRate'] }, layout: { x: 0, y: 0, w: 12, h: 8 } },
      { id: 'cpu', title: 'CPU', type: 'timeseries', query: { source: 'metrics', name: 'system.cpu.utilization', aggregation: 'avg', groupBy: ['host.name'] }, layout: { x: 12, y: 0, w: 12, h: 8 } },
    ],
  }

  it('creates, reads, lists, replaces with If-Match and deletes a board', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/dashboards', headers: auth.editor, payload: board })
    expect(created.statusCode, created.body).toBe(201)
    const { id, version } = created.json() as { id: string; version: string }
    expect(created.headers.location).toBe(`/api/v1/dashboards/${id}`)
    const read = await app.inject({ url: `/api/v1/dashboards/${id}`, headers: auth.viewer })
    expect(read.json()).toMatchObject({ ...board, id, version })
    const etag = read.headers.etag as string
    expect(etag).toBe(`"v${version}"`)
    const list = await app.inject({ url: '/api/v1/dashboards', headers: auth.viewer })
    expect(list.json().dashboards).toContainEqual(expect.objectContaining({ id, name: 'Checkout', panelCount: 2, tags: ['shop'] }))

    const renamed = await app.inject({ method: 'PUT', url: `/api/v1/dashboards/${id}`, headers: { ...auth.editor, 'if-match': etag }, payload: { ...board, name: 'Checkout v2' } })
    expect(renamed.statusCode, renamed.body).toBe(200)
    expect(renamed.json().name).toBe('Checkout v2')
    const stale = await app.inject({ method: 'PUT', url: `/api/v1/dashboards/${id}`, headers: { ...auth.editor, 'if-match': etag }, payload: board })
    expect(stale.statusCode).toBe(412)
    expect((await app.inject({ url: `/api/v1/dashboards/${id}`, headers: auth.viewer })).json().name).toBe('Checkout v2')

    expect((await app.inject({ url: `/api/v1/dashboards/${id}`, headers: auth.globex })).statusCode).toBe(404)
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/dashboards/${id}`, headers: auth.globex })).statusCode).toBe(404)
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/dashboards/${id}`, headers: auth.editor })).statusCode).toBe(204)
    expect((await app.inject({ url: `/api/v1/dashboards/${id}`, headers: auth.viewer })).statusCode).toBe(404)
    expect((await app.inject({ url: '/api/v1/dashboards', headers: auth.viewer })).json().dashboards.some((d: { id: string }) => d.id === id)).toBe(false)
  })

  it('refuses boards that do not fit the schema', async () => {
    const panel = board.panels[0]!
    const invalid = [
      { ...board, extra: true },
      { ...board, panels: [{ ...panel, query: { source: 'sql', text: 'SELECT 1' } }] },
      { ...board, panels: [panel, panel] },
      { ...board, panels: [{ ...panel, layout: { x: 20, y: 0, w: 8, h: 4 } }] },
      { ...board, name: '' },
      { panels: [] },
    ]
    for (const payload of invalid) {
      const response = await app.inject({ method: 'POST', url: '/api/v1/dashboards', headers: auth.editor, payload })
      expect(response.statusCode, JSON.stringify(payload)).toBe(400)
      expect(response.headers['content-type']).toContain('application/problem+json')
    }
  })
})

describe('query guards', () => {
  it('refuses ranges wider than the maximum', async () => {
    const to = NOW_MS
    const wide = await app.inject({ url: `/api/v1/services?from=${to - 31 * 86_400_000 - 1}&to=${to}`, headers: auth.viewer })
    expect(wide.statusCode).toBe(400)
    expect(wide.json().code).toBe('PERISCOPE_ERR_QUERY_RANGE_TOO_WIDE')
    expect((await app.inject({ url: `/api/v1/services?from=${to - 31 * 86_400_000}&to=${to}`, headers: auth.viewer })).statusCode).toBe(200)
    expect((await app.inject({ url: `/api/v1/services?from=${to}&to=${to - 1}`, headers: auth.viewer })).statusCode).toBe(400)
    expect((await app.inject({ url: `/api/v1/services?from=yesterday`, headers: auth.viewer })).statusCode).toBe(400)
  })

  it('answers 504 when a statement runs past max_execution_time, and 422 past the row cap', async () => {
    const guarded = await harness.app({ config: { limits: { maxExecutionTimeMs: 200, maxResultRows: 100 } }, extraRoutes: [probeRoutes] })
    const started = Date.now()
    const slow = await guarded.inject({ url: '/api/v1/probe/slow', headers: auth.viewer })
    expect(slow.statusCode).toBe(504)
    expect(slow.json()).toMatchObject({ status: 504, code: 'PERISCOPE_ERR_QUERY_TIMEOUT' })
    // unguarded, the statement would run for hours; the bound is loose for loaded CI machines
    expect(Date.now() - started).toBeLessThan(30_000)
    const many = await guarded.inject({ url: '/api/v1/probe/many', headers: auth.viewer })
    expect(many.statusCode).toBe(422)
    expect(many.json().code).toBe('PERISCOPE_ERR_QUERY_RESULT_TOO_LARGE')
  })

  it("limits each tenant's concurrent statements without holding back other tenants", async () => {
    const limited = await harness.app({ config: { limits: { maxConcurrentPerTenant: 1, maxQueuedPerTenant: 0 } }, extraRoutes: [probeRoutes] })
    const [first, second, other] = await Promise.all([
      limited.inject({ url: '/api/v1/probe/sleep', headers: auth.viewer }),
      limited.inject({ url: '/api/v1/probe/sleep', headers: auth.editor }),
      limited.inject({ url: '/api/v1/probe/sleep', headers: auth.globex }),
    ])
    expect([first.statusCode, second.statusCode].sort()).toEqual([200, 429])
    const refused = first.statusCode === 429 ? first : second
    expect(refused.headers['retry-after']).toMatch(/^\d+$/)
    expect(refused.json().code).toBe('PERISCOPE_ERR_QUERY_TOO_MANY_QUERIES')
    expect(other.statusCode).toBe(200)
  })
})

describe('SQL injection', () => {
  const PAYLOADS = [
    "' OR '1'='1",
    "x' OR TenantId != '' --",
    "'; DROP TABLE otel_traces; --",
    "\\' OR 1=1 --",
    "frontend') OR ('1'='1",
    '{tenantId:String}',
    "1 UNION ALL SELECT TenantId FROM otel_traces",
    '`ServiceName`',
    '"ServiceName"',
    "globex",
  ]

  function urls(p: string): string[] {
    const e = encodeURIComponent(p)
    const range = `from=${FROM}&to=${NOW_MS}`
    return [
      `/api/v1/services?from=${e}`,
      `/api/v1/services?${range}&source=${e}`,
      `/api/v1/services/${e}/signals?${range}`,
      `/api/v1/services/frontend/signals?${range}&operation=${e}`,
      `/api/v1/services/frontend/signals?${range}&step=${e}`,
      `/api/v1/services/${e}/operations?${range}`,
      `/api/v1/traces?${range}&service=${e}`,
      `/api/v1/traces?${range}&operation=${e}`,
      `/api/v1/traces?${range}&status=${e}`,
      `/api/v1/traces?${range}&minDurationMs=${e}`,
      `/api/v1/traces?${range}&limit=${e}`,
      `/api/v1/traces?${range}&cursor=${e}`,
      `/api/v1/traces?${range}&attr.${e}=${e}`,
      `/api/v1/traces?${range}&attr.user.tier=${e}`,
      `/api/v1/traces/${e}`,
      `/api/v1/logs?${range}&q=${e}`,
      `/api/v1/logs?${range}&service=${e}`,
      `/api/v1/logs?${range}&severity=${e}`,
      `/api/v1/logs?${range}&minSeverity=${e}`,
      `/api/v1/logs?${range}&traceId=${e}`,
      `/api/v1/logs?${range}&cursor=${e}`,
      `/api/v1/metrics/names?${range}&limit=${e}`,
      `/api/v1/metrics/query?${range}&name=${e}`,
      `/api/v1/metrics/query?${range}&name=system.cpu.utilization&groupBy=${e}`,
      `/api/v1/metrics/query?${range}&name=system.cpu.utilization&aggregation=${e}`,
      `/api/v1/metrics/query?${range}&name=system.cpu.utilization&label.${e}=${e}`,
      `/api/v1/metrics/query?${range}&name=system.cpu.utilization&kind=${e}`,
      `/api/v1/dashboards/${e}`,
      `/api/v1/tokens/${e}`,
    ]
  }

  /** Lists of a 200 answer: a payload used as a filter value must match nothing. */
  function rowsOf(body: Record<string, unknown>): unknown[] {
    for (const key of ['services', 'operations', 'traces', 'logs', 'series', 'metrics', 'dashboards']) if (Array.isArray(body[key])) return body[key] as unknown[]
    if (Array.isArray(body.points)) return (body.points as Array<{ requests: number }>).filter((p) => p.requests > 0)
    return []
  }

  it('answers 400 or treats the string as a literal, in every parameter', async () => {
    const tables = async () => (await harness.store.client.query({ query: 'SELECT count() AS n FROM otel_traces', format: 'JSONEachRow' })).json<{ n: string }>()
    const before = await tables()
    for (const payload of PAYLOADS) {
      for (const url of urls(payload)) {
        const response = await app.inject({ url, headers: auth.viewer })
        expect([200, 400, 404], `${url} → ${response.statusCode} ${response.body.slice(0, 200)}`).toContain(response.statusCode)
        expect(response.body).not.toContain('gx-')
        if (response.statusCode === 200 && url.includes('groupBy=')) {
          // grouping by a label nobody has: one group, the label empty
          expect(response.json().series.map((s: { labels: unknown }) => s.labels)).toEqual([{ [payload]: '' }])
        } else if (response.statusCode === 200 && !url.startsWith('/api/v1/services?')) {
          expect(rowsOf(response.json()), url).toEqual([])
        }
      }
      const deleted = await app.inject({ method: 'DELETE', url: `/api/v1/dashboards/${encodeURIComponent(payload)}`, headers: auth.editor })
      expect([400, 404]).toContain(deleted.statusCode)
      const created = await app.inject({ method: 'POST', url: '/api/v1/dashboards', headers: auth.editor, payload: { name: payload, panels: [] } })
      expect(created.statusCode).toBe(201)
      expect(created.json().name).toBe(payload)
    }
    expect(await tables()).toEqual(before)
  })

  it('keeps a quoted filter value from widening a search', async () => {
    const all = await app.inject({ url: `/api/v1/traces?from=${FROM}&to=${NOW_MS}&service=${encodeURIComponent("frontend' OR '1'='1")}`, headers: auth.viewer })
    expect(all.json().traces).toEqual([])
  })
})

describe('OpenAPI', () => {
  it('describes every route at /api/v1/openapi.json without a token', async () => {
    const response = await app.inject({ url: '/api/v1/openapi.json' })
    expect(response.statusCode).toBe(200)
    const doc = response.json() as { openapi: string; paths: Record<string, unknown> }
    expect(doc.openapi).toMatch(/^3\./)
    for (const path of ['/api/v1/services', '/api/v1/services/{name}/signals', '/api/v1/services/{name}/operations', '/api/v1/traces', '/api/v1/traces/{traceId}', '/api/v1/logs', '/api/v1/metrics/names', '/api/v1/metrics/query', '/api/v1/dashboards', '/api/v1/dashboards/{id}', '/api/v1/tokens']) {
      expect(doc.paths, path).toHaveProperty([path])
    }
  })
})
