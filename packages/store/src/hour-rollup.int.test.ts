/**
 * Migration 0005 (golden_signals_1h) on the embedded engine: a store at 0004 with spans gets
 * the hour tier of its old data from the backfill; running the backfill again adds nothing, and
 * refills exactly what a crash inside it would have left out; afterwards the cascading view
 * keeps the hour tier equal to the spans (a repeated dedup token counted once); the TTL is the
 * minute tier's. Expected values are computed here from the generated spans.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SpanKindName, SpanRow, StatusCodeName } from '@periscope/model'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { latencyBucketOf } from './latency-buckets.ts'
import { assertSchemaCurrent, loadMigrations, migrate, MIGRATIONS_DIR, SchemaBehindError, statementsFor } from './migrations.ts'
import { openStore, type Store } from './open-store.ts'
import { spanFixture } from './testing/fixtures.ts'

const dir = mkdtempSync(join(tmpdir(), 'periscope-store-hour-'))
let store: Store

const HOUR_NS = 3_600_000_000_000n
/** six whole hours ending at the last full hour: recent enough for every TTL */
const BASE_NS = ((BigInt(Date.now()) * 1_000_000n) / HOUR_NS - 6n) * HOUR_NS

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

function spans(count: number, seed: number, fromNs: bigint, hours: number): SpanRow[] {
  const random = prng(seed)
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!
  const kinds: SpanKindName[] = ['SPAN_KIND_SERVER', 'SPAN_KIND_CONSUMER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_INTERNAL']
  const statuses: StatusCodeName[] = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR']
  return Array.from({ length: count }, (_, i) =>
    spanFixture({
      TenantId: pick(['t-a', 't-b']),
      ServiceName: pick(['checkout', 'cart']),
      SpanName: pick(['GET /a', 'POST /b', 'GET /c']),
      SpanKind: pick(kinds),
      StatusCode: random() < 0.1 ? 'STATUS_CODE_ERROR' : pick(statuses),
      TraceId: Math.floor(random() * 2 ** 32).toString(16).padStart(32, '0'),
      SpanId: `${seed.toString(16)}${i.toString(16)}`.padStart(16, '0'),
      Timestamp: fromNs + BigInt(Math.floor(random() * hours * 3_600_000)) * 1_000_000n + BigInt(i % 1000),
      // log-uniform from 10 µs to ~10 s: many buckets per hour
      Duration: BigInt(Math.round(Math.exp(Math.log(10_000) + random() * Math.log(1_000_000)))),
    }),
  )
}

interface HourRow {
  key: string
  requests: string
  errors: string
  sumNs: string
  maxNs: string
  ok: Record<string, string>
  error: Record<string, string>
}

/** What golden_signals_1h must hold for these spans, computed without the engine. */
function expectedHours(all: readonly SpanRow[]): HourRow[] {
  const byKey = new Map<string, { requests: number; errors: number; sumNs: bigint; maxNs: bigint; ok: Map<number, number>; error: Map<number, number> }>()
  for (const s of all) {
    if (s.SpanKind !== 'SPAN_KIND_SERVER' && s.SpanKind !== 'SPAN_KIND_CONSUMER') continue
    const hourS = (s.Timestamp / HOUR_NS) * 3600n
    const key = `${s.TenantId}|${s.ServiceName}|${s.SpanName}|${hourS}`
    const e = byKey.get(key) ?? { requests: 0, errors: 0, sumNs: 0n, maxNs: 0n, ok: new Map(), error: new Map() }
    const failed = s.StatusCode === 'STATUS_CODE_ERROR'
    e.requests++
    if (failed) e.errors++
    e.sumNs += s.Duration
    if (s.Duration > e.maxNs) e.maxNs = s.Duration
    const histogram = failed ? e.error : e.ok
    const bucket = latencyBucketOf(s.Duration)
    histogram.set(bucket, (histogram.get(bucket) ?? 0) + 1)
    byKey.set(key, e)
  }
  const asMap = (m: Map<number, number>) => Object.fromEntries([...m.entries()].sort(([a], [b]) => a - b).map(([b, n]) => [String(b), String(n)]))
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, e]) => ({ key, requests: String(e.requests), errors: String(e.errors), sumNs: String(e.sumNs), maxNs: String(e.maxNs), ok: asMap(e.ok), error: asMap(e.error) }))
}

async function hourTier(): Promise<HourRow[]> {
  const result = await store.client.query({
    query: `SELECT concat(TenantId, '|', ServiceName, '|', SpanName, '|', toString(toUnixTimestamp(Hour))) AS key,
                   sum(Requests) AS requests, sum(Errors) AS errors, sum(DurationSumNs) AS sumNs, max(DurationMaxNs) AS maxNs,
                   sumMap(LatencyOk) AS ok, sumMap(LatencyError) AS error
            FROM golden_signals_1h GROUP BY key ORDER BY key`,
    format: 'JSONEachRow',
  })
  return result.json<HourRow>()
}

/** Statements of migration 0005 as migrate() runs them on this store. */
function migration5(): string[] {
  const all = loadMigrations()
  return statementsFor(store, all.find((m) => m.version === 5)!, all)
}

const before = spans(3000, 11, BASE_NS, 4)
const after = spans(1500, 12, BASE_NS + 3n * HOUR_NS, 3)

beforeAll(async () => {
  store = await openStore({ mode: 'embedded', path: join(dir, 'db') })
  // the store as migrations 0001–0004 left it, with data
  const upTo4 = mkdtempSync(join(dir, 'migrations-'))
  cpSync(MIGRATIONS_DIR, upTo4, { recursive: true, filter: (path) => Number(/\/(\d{4})_\w+\.sql$/.exec(path)?.[1] ?? 0) <= 4 })
  expect((await migrate(store, upTo4)).applied).toEqual([1, 2, 3, 4])
  for (let i = 0; i < 3; i++) await store.insert('otel_traces', before.slice(i * 1000, (i + 1) * 1000), { dedupToken: `before-${i}` })
})

afterAll(async () => {
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('migration 0005: the hour tier', () => {
  it('is refused as missing until applied, then backfilled from the minute tier', async () => {
    await expect(assertSchemaCurrent(store)).rejects.toSatisfy((e: unknown) => e instanceof SchemaBehindError && e.missingVersions.join() === '5')
    expect((await migrate(store)).applied).toEqual([5])
    await assertSchemaCurrent(store)
    const expected = expectedHours(before)
    expect(expected.length).toBeGreaterThan(40)
    expect(await hourTier()).toEqual(expected)
  })

  it('adds nothing when the backfill runs again, and refills exactly the keys a crash left out', async () => {
    const expected = expectedHours(before)
    for (const query of migration5()) await store.client.command({ query })
    expect(await hourTier()).toEqual(expected)
    // a crash inside the INSERT: some keys written, the rest not
    await store.client.command({ query: "ALTER TABLE golden_signals_1h DELETE WHERE TenantId = 't-b' AND ServiceName = 'cart' SETTINGS mutations_sync = 2" })
    expect((await hourTier()).length).toBeLessThan(expected.length)
    for (const query of migration5()) await store.client.command({ query })
    expect(await hourTier()).toEqual(expected)
  })

  it('keeps up with new spans through the cascading view, counting a repeated insert once', async () => {
    await store.insert('otel_traces', after.slice(0, 1000), { dedupToken: 'after-0' })
    await store.insert('otel_traces', after.slice(1000), { dedupToken: 'after-1' })
    await store.insert('otel_traces', after.slice(0, 1000), { dedupToken: 'after-0' })
    expect(await hourTier()).toEqual(expectedHours([...before, ...after]))
  })

  it('has the minute tier retention', async () => {
    const result = await store.client.query({
      query: "SELECT name, create_table_query AS ddl FROM system.tables WHERE database = currentDatabase() AND name IN ('golden_signals_1m', 'golden_signals_1h') ORDER BY name",
      format: 'JSONEachRow',
    })
    const [hour, minute] = await result.json<{ name: string; ddl: string }>()
    expect(hour!.ddl).toContain('TTL Hour + toIntervalDay(90)')
    expect(minute!.ddl).toContain('TTL Minute + toIntervalDay(90)')
  })
})
