import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SpanKindName, SpanRow, StatusCodeName } from '@periscope/model'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LATENCY_BUCKET_SQL, latencyBucketOf, mergeHistograms, quantileFromBuckets, type LatencyHistogram } from './latency-buckets.ts'
import { migrate, MIGRATIONS_DIR } from './migrations.ts'
import { openStore, type Store } from './open-store.ts'
import type { AlertRuleRow, ApiKeyRow, TenantRow } from './tables.ts'
import { logFixture, spanFixture } from './testing/fixtures.ts'

const dir = mkdtempSync(join(tmpdir(), 'periscope-store-derived-'))
let store: Store

beforeAll(async () => {
  store = await openStore({ mode: 'embedded', path: join(dir, 'db') })
  await migrate(store)
})

afterAll(async () => {
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function rows<T = Record<string, unknown>>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const result = await store.client.query({ query, query_params: params, format: 'JSONEachRow' })
  return result.json<T>()
}

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const MINUTE_NS = 60_000_000_000n
const BASE = (BigInt(Date.now()) * 1_000_000n / MINUTE_NS - 10n) * MINUTE_NS

describe('trace index', () => {
  it('gives a trace its start, end, services, root, span and error counts in one lookup', async () => {
    const traceId = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
    const t = BASE + 1_000_000_007n
    const root = spanFixture({ TenantId: 't-idx', TraceId: traceId, SpanId: '1000000000000001', ParentSpanId: '', ServiceName: 'frontend', SpanName: 'GET /', Timestamp: t, Duration: 5_000_000n, StatusCode: 'STATUS_CODE_UNSET' })
    const child = spanFixture({ TenantId: 't-idx', TraceId: traceId, SpanId: '1000000000000002', ParentSpanId: '1000000000000001', ServiceName: 'cart', SpanName: 'GetCart', Timestamp: t + 1_000_000n, Duration: 3_000_001n, StatusCode: 'STATUS_CODE_ERROR' })
    // a late span in a second insert: the index must combine both partial rows
    const late = spanFixture({ TenantId: 't-idx', TraceId: traceId, SpanId: '1000000000000003', ParentSpanId: '1000000000000001', ServiceName: 'cart', SpanName: 'Async', Timestamp: t + 2_000_000n, Duration: 9_000_000n, StatusCode: 'STATUS_CODE_OK' })
    const other = spanFixture({ TenantId: 't-idx', TraceId: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', SpanId: '2000000000000001', ParentSpanId: '', Timestamp: t })
    await store.insert('otel_traces', [child, other, root])
    await store.insert('otel_traces', [late])
    const [summary] = await rows(
      `SELECT toString(toUnixTimestamp64Nano(min(Start))) AS start, toString(toUnixTimestamp64Nano(max(End))) AS end,
              arraySort(groupUniqArrayArray(Services)) AS services, max(RootServiceName) AS rootService, max(RootSpanName) AS rootName,
              sum(SpanCount) AS spans, sum(ErrorCount) AS errors
       FROM trace_index WHERE TenantId = {tenant:String} AND TraceId = {traceId:String}`,
      { tenant: 't-idx', traceId },
    )
    expect(summary).toEqual({
      start: t.toString(),
      end: (t + 2_000_000n + 9_000_000n).toString(),
      services: ['cart', 'frontend'],
      rootService: 'frontend',
      rootName: 'GET /',
      spans: '3',
      errors: '1',
    })
  })
})

interface Generated {
  spans: SpanRow[]
}

function generateSpans(count: number, seed: number): Generated {
  const random = prng(seed)
  const kinds: SpanKindName[] = ['SPAN_KIND_SERVER', 'SPAN_KIND_CONSUMER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_INTERNAL']
  const statuses: StatusCodeName[] = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR']
  const spans: SpanRow[] = []
  for (let i = 0; i < count; i++) {
    // log-uniform durations from 10 µs to ~10 s, so many buckets are used
    const durationNs = BigInt(Math.round(Math.exp(Math.log(10_000) + random() * Math.log(1_000_000))))
    spans.push(
      spanFixture({
        TenantId: 't-roll',
        ServiceName: ['checkout', 'cart'][Math.floor(random() * 2)]!,
        SpanName: ['GET /a', 'POST /b', 'GET /c'][Math.floor(random() * 3)]!,
        SpanKind: kinds[Math.floor(random() * kinds.length)]!,
        StatusCode: statuses[random() < 0.15 ? 2 : Math.floor(random() * 2)]!,
        TraceId: Math.floor(random() * 2 ** 32).toString(16).padStart(32, '0'),
        SpanId: i.toString(16).padStart(16, '0'),
        Timestamp: BASE + BigInt(Math.floor(random() * 3 * 60_000_000)) * 1000n,
        Duration: durationNs,
      }),
    )
  }
  return { spans }
}

/** Nearest-rank quantile of exact values. */
function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!
}

describe('golden-signal rollups', () => {
  const { spans } = generateSpans(6000, 42)
  const isEntry = (s: SpanRow) => s.SpanKind === 'SPAN_KIND_SERVER' || s.SpanKind === 'SPAN_KIND_CONSUMER'
  const isError = (s: SpanRow) => s.StatusCode === 'STATUS_CODE_ERROR'

  beforeAll(async () => {
    // several inserts, one of them repeated with its token: the rollup must count it once
    for (let i = 0; i < 4; i++) {
      await store.insert('otel_traces', spans.slice(i * 1500, (i + 1) * 1500), { dedupToken: `roll-${i}` })
    }
    await store.insert('otel_traces', spans.slice(1500, 3000), { dedupToken: 'roll-1' })
  })

  it('counts requests and errors of entry spans per service, operation and minute exactly', async () => {
    const expected = new Map<string, { requests: number; errors: number; sumNs: bigint; maxNs: bigint }>()
    for (const s of spans.filter(isEntry)) {
      const minute = (s.Timestamp / MINUTE_NS) * 60n
      const key = `${s.ServiceName}|${s.SpanName}|${minute}`
      const e = expected.get(key) ?? { requests: 0, errors: 0, sumNs: 0n, maxNs: 0n }
      e.requests++
      if (isError(s)) e.errors++
      e.sumNs += s.Duration
      if (s.Duration > e.maxNs) e.maxNs = s.Duration
      expected.set(key, e)
    }
    const actual = await rows<{ key: string; requests: string; errors: string; sumNs: string; maxNs: string }>(
      `SELECT concat(ServiceName, '|', SpanName, '|', toString(toUnixTimestamp(Minute))) AS key,
              sum(Requests) AS requests, sum(Errors) AS errors, sum(DurationSumNs) AS sumNs, max(DurationMaxNs) AS maxNs
       FROM golden_signals_1m WHERE TenantId = 't-roll' GROUP BY key ORDER BY key`,
    )
    const expectedRows = [...expected.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, e]) => ({ key, requests: String(e.requests), errors: String(e.errors), sumNs: String(e.sumNs), maxNs: String(e.maxNs) }))
    expect(actual).toEqual(expectedRows)
    // and the raw spans (deduplicated too) agree
    const [raw] = await rows<{ n: string }>(`SELECT count() AS n FROM otel_traces WHERE TenantId = 't-roll'`)
    expect(raw!.n).toBe(String(spans.length))
  })

  it('answers percentiles from the rollup exactly as the raw path does, within 1 % of exact quantiles', async () => {
    for (const [service, failed] of [['checkout', false], ['checkout', true], ['cart', false]] as const) {
      const column = failed ? 'LatencyError' : 'LatencyOk'
      const rollupRows = await rows<{ h: LatencyHistogram }>(
        `SELECT ${column} AS h FROM golden_signals_1m WHERE TenantId = 't-roll' AND ServiceName = {service:String}`,
        { service },
      )
      const fromRollup = mergeHistograms(rollupRows.map((r) => r.h))
      const status = failed ? "StatusCode = 'STATUS_CODE_ERROR'" : "StatusCode != 'STATUS_CODE_ERROR'"
      const rawBuckets = await rows<{ b: number; n: string }>(
        `SELECT ${LATENCY_BUCKET_SQL} AS b, count() AS n FROM otel_traces
         WHERE TenantId = 't-roll' AND ServiceName = {service:String} AND SpanKind IN ('SPAN_KIND_SERVER', 'SPAN_KIND_CONSUMER') AND ${status}
         GROUP BY b`,
        { service },
      )
      const fromRaw = Object.fromEntries(rawBuckets.map((r) => [String(r.b), Number(r.n)]))
      expect(fromRollup).toEqual(fromRaw)
      const durations = spans.filter((s) => s.ServiceName === service && isEntry(s) && isError(s) === failed).map((s) => Number(s.Duration))
      for (const q of [0.5, 0.9, 0.95, 0.99, 1]) {
        const rollupQ = quantileFromBuckets(fromRollup, q)!
        expect(rollupQ).toBe(quantileFromBuckets(fromRaw, q))
        const exact = exactQuantile(durations, q)
        expect(rollupQ / exact).toBeGreaterThanOrEqual(1)
        expect(rollupQ / exact).toBeLessThanOrEqual(1.01)
      }
    }
  })

  it('uses the same bucket function in SQL and TypeScript', async () => {
    const random = prng(7)
    const durations = [0, 1, 2, 3, 999, 1000, 1_000_000, 2 ** 40, ...Array.from({ length: 2000 }, () => Math.floor(Math.exp(random() * 36)))]
    const sql = await rows<{ b: number }>(
      `SELECT ${LATENCY_BUCKET_SQL} AS b FROM (SELECT arrayJoin({d:Array(UInt64)}) AS Duration)`,
      { d: durations },
    )
    expect(sql.map((r) => r.b)).toEqual(durations.map((d) => latencyBucketOf(d)))
    // the materialized view in the migration uses exactly this expression
    const migration = readFileSync(join(MIGRATIONS_DIR, '0002_trace_index_and_rollups.sql'), 'utf8')
    expect(migration.split(LATENCY_BUCKET_SQL).length - 1).toBe(2)
  })
})

describe('log counts', () => {
  it('counts log records per minute, service and severity', async () => {
    const t = BASE + 5n
    const logs = [
      logFixture({ TenantId: 't-logs', Timestamp: t, SeverityNumber: 17, SeverityText: 'ERROR' }),
      logFixture({ TenantId: 't-logs', Timestamp: t + 1n, SeverityNumber: 17, SeverityText: 'ERROR' }),
      logFixture({ TenantId: 't-logs', Timestamp: t + 2n, SeverityNumber: 9, SeverityText: 'INFO' }),
      logFixture({ TenantId: 't-logs', Timestamp: t + MINUTE_NS, SeverityNumber: 17, SeverityText: 'ERROR' }),
    ]
    await store.insert('otel_logs', logs)
    const counts = await rows(
      `SELECT SeverityText AS severity, toUnixTimestamp(Minute) AS minute, sum(Count) AS n FROM log_counts_1m
       WHERE TenantId = 't-logs' GROUP BY severity, minute ORDER BY minute, severity`,
    )
    const m0 = Number(t / MINUTE_NS) * 60
    expect(counts).toEqual([
      { severity: 'ERROR', minute: m0, n: '2' },
      { severity: 'INFO', minute: m0, n: '1' },
      { severity: 'ERROR', minute: m0 + 60, n: '1' },
    ])
  })
})

describe('config tables', () => {
  it('keeps the newest version of a row and hides deleted ones', async () => {
    const tenant: TenantRow = { TenantId: 't-cfg', Name: 'Acme', CreatedAt: 1n, Version: 1n }
    await store.insert('tenants', [tenant])
    await store.insert('tenants', [{ ...tenant, Name: 'Acme Inc', Version: 2n }])
    expect(await rows(`SELECT Name FROM tenants FINAL WHERE TenantId = 't-cfg'`)).toEqual([{ Name: 'Acme Inc' }])

    const key: ApiKeyRow = { TenantId: 't-cfg', KeyId: 'k1', KeyPrefix: 'psk_abcd', KeyHash: 'ff'.repeat(32), Name: 'ci', CreatedAt: BASE, Version: 1n }
    await store.insert('api_keys', [key])
    await store.insert('api_keys', [{ ...key, RevokedAt: BASE + 1n, Version: 2n }])
    expect(await rows(`SELECT KeyId, toString(toUnixTimestamp64Nano(RevokedAt)) AS revoked FROM api_keys FINAL WHERE TenantId = 't-cfg'`)).toEqual([
      { KeyId: 'k1', revoked: String(BASE + 1n) },
    ])

    const rule: AlertRuleRow = {
      TenantId: 't-cfg',
      RuleId: 'r1',
      Name: 'checkout burn',
      Kind: 'slo_burn',
      Definition: '{"sloId":"s1"}',
      Severity: 'page',
      ChannelIds: ['c1', 'c2'],
      CreatedAt: BASE,
      UpdatedAt: BASE,
      Version: 1n,
    }
    await store.insert('alert_rules', [rule])
    expect(await rows(`SELECT ChannelIds, Enabled FROM alert_rules FINAL WHERE TenantId = 't-cfg'`)).toEqual([{ ChannelIds: ['c1', 'c2'], Enabled: true }])
    await store.insert('alert_rules', [{ ...rule, Version: 2n, Deleted: 1 }])
    expect(await rows(`SELECT RuleId FROM alert_rules FINAL WHERE TenantId = 't-cfg'`)).toEqual([])
  })
})
