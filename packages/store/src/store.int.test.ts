import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  exponentialHistogramFixture,
  gaugeFixture,
  histogramFixture,
  logFixture,
  spanFixture,
  sumFixture,
  summaryFixture,
  T0,
} from './testing/fixtures.ts'
import { assertSchemaCurrent, loadMigrations, migrate, MIGRATIONS_DIR, SchemaBehindError } from './migrations.ts'
import { openStore, type Store } from './open-store.ts'
import { applyTtl } from './retention.ts'

const dir = mkdtempSync(join(tmpdir(), 'periscope-store-int-'))
let store: Store

beforeAll(async () => {
  store = await openStore({ mode: 'embedded', path: join(dir, 'db'), ttl: { tracesDays: 3, logsDays: 0 } })
})

afterAll(async () => {
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function rows<T = Record<string, unknown>>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const result = await store.client.query({ query, query_params: params, format: 'JSONEachRow' })
  return result.json<T>()
}

/** Every column of a table, DateTime64 (and arrays of them) as unix ns strings. */
async function readTable(table: string, order: string): Promise<Record<string, unknown>[]> {
  const columns = await rows<{ name: string; type: string }>(
    'SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = {t:String} ORDER BY position',
    { t: table },
  )
  const select = columns.map(({ name, type }) => {
    const q = '`' + name + '`'
    if (type.startsWith('DateTime64')) return `toString(toUnixTimestamp64Nano(${q})) AS ${q}`
    if (type.startsWith('Array(DateTime64')) return `arrayMap(x -> toString(toUnixTimestamp64Nano(x)), ${q}) AS ${q}`
    return q
  })
  return rows(`SELECT ${select.join(', ')} FROM ${table} ORDER BY ${order}`)
}

/** The JSON shape ClickHouse returns for a row we wrote: bigints as strings, NaN/Inf quoted. */
function asReturned(row: object): Record<string, unknown> {
  const convert = (value: unknown): unknown => {
    if (typeof value === 'bigint') return value.toString()
    if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf'
    if (Array.isArray(value)) return value.map(convert)
    return value
  }
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, convert(v)]))
}

describe('store on embedded ClickHouse', () => {
  it('refuses a schema that is behind, naming the missing versions', async () => {
    const all = loadMigrations().map((m) => m.version)
    const error = await assertSchemaCurrent(store).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SchemaBehindError)
    expect((error as SchemaBehindError).missingVersions).toEqual(all)
    expect((error as Error).message).toContain(`migrations ${all.join(', ')} are not applied`)
  })

  it('migrates from scratch, and a second run is a no-op', async () => {
    const all = loadMigrations().map((m) => m.version)
    expect(await migrate(store)).toEqual({ applied: all })
    const before = await rows('SELECT name, create_table_query FROM system.tables WHERE database = currentDatabase() ORDER BY name')
    expect(await migrate(store)).toEqual({ applied: [] })
    const after = await rows('SELECT name, create_table_query FROM system.tables WHERE database = currentDatabase() ORDER BY name')
    expect(after).toEqual(before)
    expect(await rows('SELECT Version FROM schema_migrations ORDER BY Version')).toEqual(all.map((v) => ({ Version: v })))
    await assertSchemaCurrent(store)
  })

  it('refuses when the code knows a migration the store lacks', async () => {
    const newer = mkdtempSync(join(dir, 'migrations-'))
    cpSync(MIGRATIONS_DIR, newer, { recursive: true })
    const next = loadMigrations().length + 1
    writeFileSync(join(newer, `${String(next).padStart(4, '0')}_future.sql`), 'CREATE TABLE IF NOT EXISTS future (TenantId String) ENGINE = MergeTree ORDER BY TenantId;\n')
    await expect(assertSchemaCurrent(store, newer)).rejects.toMatchObject({ name: 'SchemaBehindError', missingVersions: [next] })
  })

  it('reads back spans exactly as written: every column, maps, nested, ns times', async () => {
    const root = spanFixture()
    const child = spanFixture({
      SpanId: '00f067aa0ba902b7',
      ParentSpanId: 'b7ad6b7169203331',
      Timestamp: T0 + 1n,
      SpanName: 'SELECT orders',
      SpanKind: 'SPAN_KIND_CLIENT',
      StatusCode: 'STATUS_CODE_UNSET',
      StatusMessage: '',
      Duration: 1n,
      SpanAttributes: {},
      'Events.Timestamp': [],
      'Events.Name': [],
      'Events.Attributes': [],
      'Links.TraceId': [],
      'Links.SpanId': [],
      'Links.TraceState': [],
      'Links.Attributes': [],
    })
    await store.insert('otel_traces', [root, child])
    const back = await readTable('otel_traces', 'Timestamp')
    expect(back).toEqual([asReturned(root), asReturned(child)])
  })

  it('reads back logs and all five metric kinds exactly as written', async () => {
    const cases: Array<[string, object]> = [
      ['otel_logs', logFixture()],
      ['otel_metrics_gauge', gaugeFixture],
      ['otel_metrics_sum', sumFixture],
      ['otel_metrics_histogram', histogramFixture],
      ['otel_metrics_exponential_histogram', exponentialHistogramFixture],
      ['otel_metrics_summary', summaryFixture],
    ]
    for (const [table, row] of cases) {
      await store.insert(table, [row])
      expect(await readTable(table, 'TenantId'), table).toEqual([asReturned(row)])
    }
  })

  it('stores a batch once when it is inserted twice with the same dedup token', async () => {
    const batch = Array.from({ length: 50 }, (_, i) =>
      spanFixture({ TenantId: 't-dedup', SpanId: i.toString(16).padStart(16, '0'), Timestamp: T0 + BigInt(i) }),
    )
    await store.insert('otel_traces', batch, { dedupToken: 'otlp.traces:0:100-149' })
    await store.insert('otel_traces', batch, { dedupToken: 'otlp.traces:0:100-149' })
    const count = async () => (await rows<{ n: string }>("SELECT count() AS n FROM otel_traces WHERE TenantId = 't-dedup'"))[0]!.n
    expect(await count()).toBe('50')
    // a different token is a different batch
    await store.insert('otel_traces', batch, { dedupToken: 'otlp.traces:0:150-199' })
    expect(await count()).toBe('100')
    // without a token nothing is deduplicated
    await store.insert('otel_traces', batch)
    await store.insert('otel_traces', batch)
    expect(await count()).toBe('200')
  })

  it('rejects a row that lacks a column, naming it', async () => {
    const { Duration: _, ...incomplete } = spanFixture()
    await expect(store.insert('otel_traces', [incomplete])).rejects.toThrow(/no value for column Duration/)
  })

  it('fails to open a server it cannot reach, saying where it tried', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await expect(openStore({ mode: 'server', url: `http://127.0.0.1:${port}`, requestTimeoutMs: 2000 })).rejects.toThrow(
      `cannot open ClickHouse at http://127.0.0.1:${port}`,
    )
  })

  it('applies the configured TTLs (0 = none) and leaves them alone on the next run', async () => {
    const ddl = async (table: string) =>
      (await rows<{ q: string }>('SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = {t:String}', { t: table }))[0]!.q
    expect(await ddl('otel_traces')).toContain('TTL toDateTime(Timestamp) + toIntervalDay(3)')
    expect(await ddl('otel_metrics_sum')).toContain('TTL toDateTime(TimeUnix) + toIntervalDay(30)')
    expect(await ddl('otel_logs')).not.toContain('TTL')
    expect(await ddl('trace_index')).toContain('TTL toDateTime(Start) + toIntervalDay(3)')
    expect(await ddl('golden_signals_1m')).toContain('TTL Minute + toIntervalDay(90)')
    expect(await ddl('log_counts_1m')).toContain('TTL Minute + toIntervalDay(90)')
    expect(await ddl('alert_events')).toContain('TTL toDateTime(Timestamp) + toIntervalDay(90)')
    expect(await ddl('tenants')).not.toContain('TTL')
    expect(await applyTtl(store)).toEqual([])
    const changed = await applyTtl({ ...store, ttl: { ...store.ttl, tracesDays: 5, metricsDays: 0 } })
    expect(changed).toContain('ALTER TABLE otel_traces MODIFY TTL toDateTime(Timestamp) + toIntervalDay(5)')
    expect(changed).toContain('ALTER TABLE otel_metrics_sum REMOVE TTL')
    expect(await ddl('otel_traces')).toContain('TTL toDateTime(Timestamp) + toIntervalDay(5)')
    expect(await ddl('otel_metrics_sum')).not.toContain('TTL')
  })
})
