/**
 * The range ledger and the dedup tokens on the real embedded ClickHouse: plans survive a reopen,
 * the newest plan wins, and a range written again after a lost acknowledgement is dropped by
 * ClickHouse — in the spans table and in the trace index its materialized view fills.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Batch, BusRecord } from '@periscope/pipeline'
import { createLogger } from '@periscope/runtime'
import { migrate, openStore, type Store } from '@periscope/store'
import { createBatchWriter } from './batch-writer.ts'
import { assertDeduplicationWindows } from './dedup-window.ts'
import { createMemoryBudget } from './memory-budget.ts'
import { createClickHouseLedger } from './offset-ledger.ts'
import { createFakeDeadLetters, testMetrics } from './testing/fakes.ts'
import { spanRecords } from './testing/span-records.ts'

const dir = mkdtempSync(join(tmpdir(), 'periscope-ingest-ledger-'))
let store: Store

beforeAll(async () => {
  store = await openStore({ mode: 'embedded', path: join(dir, 'db') })
  await migrate(store)
  await createClickHouseLedger(store).ensure()
})

afterAll(async () => {
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function one<T>(query: string): Promise<T> {
  const result = await store.client.query({ query, format: 'JSONEachRow' })
  return (await result.json<T>())[0]!
}

function batchOf(records: readonly BusRecord[], firstOffset: number): Batch {
  return { topic: 'otlp.traces', partition: 1, records: records.map((r, i) => ({ ...r, offset: String(firstOffset + i), timestampMs: 0 })), highWatermark: String(firstOffset + records.length) }
}

describe('deduplication windows', () => {
  it('accepts the migrated tables and refuses an unreplicated MergeTree without a window', async () => {
    await expect(assertDeduplicationWindows(store, ['otel_traces', 'otel_logs', 'otel_metrics_gauge'])).resolves.toBeUndefined()
    await store.client.command({ query: 'CREATE TABLE IF NOT EXISTS no_window (x UInt8) ENGINE = MergeTree ORDER BY x' })
    await expect(assertDeduplicationWindows(store, ['otel_traces', 'no_window', 'missing_table'])).rejects.toThrow(
      /no_window \(MergeTree\) has non_replicated_deduplication_window = 0; missing_table does not exist/,
    )
  })
})

describe('ClickHouse range ledger', () => {
  it('reads back open ranges from an offset, newest plan winning where plans overlap', async () => {
    const ledger = createClickHouseLedger(store)
    const key = { group: 'g-ledger', topic: 'otlp.logs', partition: 3 }
    await ledger.record(key, [
      { first: 0n, last: 9n },
      { first: 10n, last: 19n },
    ])
    await new Promise((r) => setTimeout(r, 5))
    await ledger.record(key, [{ first: 15n, last: 30n }])
    await ledger.record({ ...key, partition: 4 }, [{ first: 10n, last: 50n }])
    expect(await ledger.openRanges(key, 10n)).toEqual([{ first: 15n, last: 30n }])
    expect(await ledger.openRanges(key, 31n)).toEqual([])
    expect(await ledger.openRanges({ ...key, group: 'other' }, 0n)).toEqual([])
  })

  it('a range written again after its acknowledgement was lost is deduplicated in the table and in the trace index', async () => {
    const ledger = createClickHouseLedger(store)
    const records = spanRecords({ firstSeq: 1_000_000, records: 8, spansPerRecord: 5, tenantId: 'dedup' })
    const options = {
      signal: 'traces' as const,
      group: 'g-int',
      ledger,
      deadLetters: createFakeDeadLetters().send,
      consumer: () => undefined,
      limits: { maxRows: 20, maxBytes: 1 << 30 },
      minInsertIntervalMs: 0,
      defaultTenantId: 'default',
      backoff: { initialDelayMs: 1, maxDelayMs: 5 },
      maxIncompleteReplays: 3,
      budget: createMemoryBudget(1 << 30),
      metrics: testMetrics(),
      logger: createLogger({ service: 'ingest-test', level: 'silent' }),
      stopSignal: new AbortController().signal,
    }
    // first life: 5 records → ranges [0-3] (20 rows) and [4-4]; both land, then the process dies uncommitted
    await createBatchWriter({ ...options, store }).handle(batchOf(records.slice(0, 5), 0))
    // second life, a fresh writer (nothing in memory): the redelivery holds all 8 records
    await createBatchWriter({ ...options, store }).handle(batchOf(records, 0))
    const spans = await one<{ n: string; u: string }>("SELECT count() AS n, uniqExact(SpanAttributes['seq']) AS u FROM otel_traces WHERE TenantId = 'dedup'")
    expect(spans).toEqual({ n: '40', u: '40' })
    const index = await one<{ traces: string; spans: string }>(
      "SELECT count() AS traces, sum(n) AS spans FROM (SELECT TraceId, sum(SpanCount) AS n FROM trace_index WHERE TenantId = 'dedup' GROUP BY TraceId)",
    )
    expect(index).toEqual({ traces: '8', spans: '40' })
    expect(await ledger.openRanges({ group: 'g-int', topic: 'otlp.traces', partition: 1 }, 0n)).toEqual([
      { first: 0n, last: 3n },
      { first: 4n, last: 4n },
      { first: 5n, last: 7n },
    ])
  })
})
