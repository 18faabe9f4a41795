/**
 * Full suite: 500 SQL-injection strings in every query-api parameter; no altered query.
 *
 * The query API runs in this process over a chdb store (one per file) holding spans of two
 * tenants; every statement it sends is recorded (SQL text and parameters) by a wrapper around
 * the store's client. "No altered query" is checked three ways, independently of the API's own
 * answers: (1) no injection string ever appears in an SQL text — it travels only as a query
 * parameter value; (2) every SQL text run for an injection string has the shape of one run with a
 * benign value (same statement, only values differ; see shape()); (3) nothing of the other
 * tenant is ever answered, nothing is answered 5xx, and the tables' row counts are unchanged.
 * The query API's own test (query-api/src/app.int.test.ts, "SQL injection") checks 10 strings
 * in every parameter on the CI path; this is its full-scale counterpart.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spanRows } from '@periscope/model'
import { build } from '@periscope/query-api/app'
import { createQueryToken } from '@periscope/query-api/api'
import { defaultAppConfig } from '@periscope/query-api/config'
import { createLogger, createSelfMetrics } from '@periscope/runtime'
import { migrate, openStore, type Store } from '@periscope/store'
import { recordFigures } from './harness/figures.ts'
import { injectionStrings } from './harness/injection-strings.ts'
import { spanBatch } from './harness/span-batches.ts'

const dir = mkdtempSync(join(tmpdir(), 'periscope-faults-sqli-'))
let store: Store
let app: Awaited<ReturnType<typeof build>>
let auth: { authorization: string }
const statements: string[] = []

beforeAll(async () => {
  store = await openStore({ mode: 'embedded', path: join(dir, 'db') })
  await migrate(store)
  await store.insert('otel_traces', spanRows(spanBatch('sqli', 'acme', 0, 20, 'frontend'), 'acme').rows)
  await store.insert('otel_traces', spanRows(spanBatch('sqli', 'globex', 0, 20, 'gx-secret'), 'globex').rows)
  // records every statement the API runs
  const client = new Proxy(store.client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown
      if ((prop === 'query' || prop === 'command' || prop === 'exec') && typeof value === 'function') {
        return (params: { query: string }) => {
          statements.push(params.query)
          return (value as (p: unknown) => unknown).call(target, params)
        }
      }
      return value
    },
  })
  app = await build({
    config: defaultAppConfig(),
    logger: createLogger({ service: 'query-api', level: 'silent' }),
    store: { client, insert: (t, rows, o) => store.insert(t, rows, o) },
    metrics: createSelfMetrics({ service: 'query-api', defaultMetrics: false }),
  })
  auth = { authorization: `Bearer ${(await createQueryToken(store, 'acme', 'viewer')).plaintext}` }
}, 120_000)

afterAll(async () => {
  await app?.close()
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

const NOW_MS = Date.now()
const FROM = NOW_MS - 3600_000
const range = `from=${FROM}&to=${NOW_MS + 60_000}`

/** every parameter of every read route, with `v` (already URL-encoded) in it */
function urls(v: string): string[] {
  return [
    `/api/v1/services?from=${v}&to=${NOW_MS}`,
    `/api/v1/services?from=${FROM}&to=${v}`,
    `/api/v1/services?${range}&source=${v}`,
    `/api/v1/services/${v}/signals?${range}`,
    `/api/v1/services/frontend/signals?${range}&operation=${v}`,
    `/api/v1/services/frontend/signals?${range}&step=${v}`,
    `/api/v1/services/${v}/operations?${range}`,
    `/api/v1/traces?${range}&service=${v}`,
    `/api/v1/traces?${range}&operation=${v}`,
    `/api/v1/traces?${range}&status=${v}`,
    `/api/v1/traces?${range}&minDurationMs=${v}`,
    `/api/v1/traces?${range}&maxDurationMs=${v}`,
    `/api/v1/traces?${range}&limit=${v}`,
    `/api/v1/traces?${range}&cursor=${v}`,
    `/api/v1/traces?${range}&attr.${v}=x`,
    `/api/v1/traces?${range}&attr.http.route=${v}`,
    `/api/v1/traces/${v}`,
    `/api/v1/logs?${range}&q=${v}`,
    `/api/v1/logs?${range}&service=${v}`,
    `/api/v1/logs?${range}&severity=${v}`,
    `/api/v1/logs?${range}&traceId=${v}`,
    `/api/v1/logs?${range}&cursor=${v}`,
    `/api/v1/logs?${range}&limit=${v}`,
    `/api/v1/metrics/names?${range}&limit=${v}`,
    `/api/v1/metrics/query?${range}&name=${v}`,
    `/api/v1/metrics/query?${range}&name=system.cpu.utilization&groupBy=${v}`,
    `/api/v1/metrics/query?${range}&name=system.cpu.utilization&aggregation=${v}`,
    `/api/v1/metrics/query?${range}&name=system.cpu.utilization&label.${v}=x`,
    `/api/v1/metrics/query?${range}&name=system.cpu.utilization&step=${v}`,
    `/api/v1/dashboards/${v}`,
    `/api/v1/slos/${v}`,
    `/api/v1/slos/${v}/status`,
    `/api/v1/alert-rules/${v}`,
    `/api/v1/channels/${v}`,
    `/api/v1/alerts?state=${v}`,
  ]
}

/**
 * A statement's shape: numbered placeholders lose their number and a condition repeated once per
 * word of a search (`hasToken(lower(Body), {word0:String}) AND … {word1:String}`) counts once —
 * values may change how many times a parameterised condition repeats, never what it says.
 */
function shape(sql: string): string {
  const parts = sql.replace(/\{([A-Za-z_]+?)\d*:([^}]+)\}/g, '{$1:$2}').split(/\s+AND\s+/)
  return parts.filter((part, i) => i === 0 || part !== parts[i - 1]).join(' AND ')
}

async function counts(): Promise<Record<string, string>> {
  const r = await store.client.query({ query: "SELECT name, total_rows FROM system.tables WHERE database = currentDatabase() ORDER BY name", format: 'JSONEachRow' })
  return Object.fromEntries((await r.json<{ name: string; total_rows: string | null }>()).map((t) => [t.name, String(t.total_rows)]))
}

describe('500 SQL-injection strings in every query-api parameter (full)', () => {
  it('never alters a query', async () => {
    const before = await counts()
    // the statements each route runs with benign values
    const benign = new Set<string>()
    for (const value of ['frontend', 'benign', '10', '1', 'error', 'sum', '60', 'frontend checkout']) {
      for (const url of urls(encodeURIComponent(value))) {
        await app.inject({ url, headers: auth })
      }
    }
    for (const s of statements.splice(0)) benign.add(shape(s))

    const payloads = injectionStrings(500)
    const problems: string[] = []
    const statuses: Record<number, number> = {}
    let requests = 0
    for (const payload of payloads) {
      for (const url of urls(encodeURIComponent(payload))) {
        const res = await app.inject({ url, headers: auth })
        requests++
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1
        if (res.statusCode >= 500) problems.push(`${url} → ${res.statusCode} ${res.body.slice(0, 200)}`)
        if (res.body.includes('gx-secret')) problems.push(`${url} answered the other tenant's data`)
        for (const sql of statements.splice(0)) {
          if (sql.includes(payload)) problems.push(`${url}: the payload is in the SQL text: ${sql.slice(0, 300)}`)
          else if (!benign.has(shape(sql))) problems.push(`${url}: a statement never run with a benign value: ${sql.slice(0, 300)}`)
        }
        if (problems.length > 20) break
      }
      if (problems.length > 20) break
    }
    recordFigures('sql-injection', { payloads: payloads.length, requests, statuses, problems: problems.length, benignStatements: benign.size })
    expect(problems).toEqual([])
    expect(await counts()).toEqual(before)
  })
})
