/**
 * Ingest end to end in one process over the local log and the embedded ClickHouse: poison records
 * go to the dead-letter topic while the stream goes on, and inserts failing for a while build a
 * backlog that is caught up without losing or duplicating a span. Each test uses its own tenant,
 * so counts are independent.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HEADERS, TOPICS, deadLetterTopic, openBus, type Bus, type ConsumedRecord } from '@periscope/pipeline'
import { createLogger, createSelfMetrics, type SelfMetrics } from '@periscope/runtime'
import { migrate, openStore, type Store } from '@periscope/store'
import { build, type Ingest } from './app.ts'
import { countSpans, produce, waitFor, withInjectedFailures, type FailingStore } from './testing/harness.ts'
import { poisonRecord, spanRecords } from './testing/span-records.ts'

const dir = mkdtempSync(join(tmpdir(), 'periscope-ingest-local-'))
let store: Store
let failing: FailingStore
let bus: Bus
let ingest: Ingest
let metrics: SelfMetrics

beforeAll(async () => {
  store = await openStore({ mode: 'embedded', path: join(dir, 'db') })
  await migrate(store)
  failing = withInjectedFailures(store)
  bus = await openBus({ kind: 'local', dir: join(dir, 'bus'), partitions: 4, maxBatchRecords: 100, retryBackoffMs: 20, maxRetryBackoffMs: 200 })
  metrics = createSelfMetrics({ service: 'ingest', defaultMetrics: false })
  ingest = build({
    config: {
      signals: ['traces', 'logs', 'metrics'],
      groupIdPrefix: 'ingest-local-test',
      defaultTenantId: 'default',
      batch: { maxRows: 10_000, maxBytes: 16 << 20, minInsertIntervalMs: 200 },
      maxPendingBytes: 64 << 20,
      retry: { initialDelayMs: 50, maxDelayMs: 300 },
      maxIncompleteReplays: 5,
      stopGraceMs: 2000,
    },
    logger: createLogger({ service: 'ingest', level: 'silent' }),
    bus,
    store: failing,
    metrics,
  })
  await ingest.start()
})

afterAll(async () => {
  await ingest?.stop()
  await bus?.close()
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function rows<T>(query: string): Promise<T[]> {
  const result = await store.client.query({ query, format: 'JSONEachRow' })
  return result.json<T>()
}

const header = (tenantId: string, signal: string) => ({ [HEADERS.tenant]: tenantId, [HEADERS.signal]: signal, [HEADERS.schemaVersion]: '1' })

describe('ingest over the local log', () => {
  it('is ready once started, and answers /healthz', async () => {
    expect(await ingest.ready()).toEqual({ ready: true })
    const health = await ingest.app.inject({ method: 'GET', url: '/healthz' })
    expect(health.statusCode).toBe(200)
    const ready = await ingest.app.inject({ method: 'GET', url: '/readyz' })
    expect(ready.statusCode).toBe(200)
  })

  it('sends a poison record to the dead-letter topic with its origin, and the stream goes on', async () => {
    const before = spanRecords({ firstSeq: 0, records: 30, spansPerRecord: 4, tenantId: 'poison' })
    const after = spanRecords({ firstSeq: 120, records: 30, spansPerRecord: 4, tenantId: 'poison' })
    // one send = one partition on the local log: poison lands between good records of that partition
    await produce(bus, TOPICS.traces, [...before, poisonRecord('poison'), ...after], 1000)

    const counts = await waitFor('240 poison-test spans', async () => {
      const c = await countSpans(store, 'poison')
      return c.rows >= 240 ? c : undefined
    })
    expect(counts).toEqual({ rows: 240, distinct: 240, minSeq: 0, maxSeq: 239 })

    const letters: ConsumedRecord[] = []
    const reader = await bus.consume({
      groupId: 'dlq-reader',
      topics: [deadLetterTopic(TOPICS.traces)],
      eachBatch: async (batch) => void letters.push(...batch.records),
    })
    try {
      await waitFor('a dead letter', async () => (letters.length > 0 ? true : undefined), 10_000)
    } finally {
      await reader.stop()
    }
    expect(letters).toHaveLength(1)
    const headers = letters[0]!.headers
    expect(headers[HEADERS.tenant]).toBe('poison')
    expect(headers[HEADERS.sourceTopic]).toBe(TOPICS.traces)
    expect(Number(headers[HEADERS.sourcePartition])).toBeGreaterThanOrEqual(0)
    // keyed records spread over partitions by key; the poison (no key) may sit at any offset
    expect(headers[HEADERS.sourceOffset]).toMatch(/^\d+$/)
    expect(headers[HEADERS.error]).toMatch(/^undecodable: /)
    expect(letters[0]!.value).toEqual(poisonRecord().value)
    expect(await metrics.text()).toMatch(/periscope_ingest_dead_letters_total\{[^}]*reason="undecodable"[^}]*\} 1/)
  })

  it('writes logs (text and structured bodies) and every metric kind to its table, and the log rollup fills', async () => {
    const nowNs = BigInt(Date.now()) * 1_000_000n
    const t = (offsetMs: number) => String(nowNs - BigInt(offsetMs) * 1_000_000n)
    const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'billing' } }, { key: 'host.name', value: { stringValue: 'node-1' } }] }
    // OTLP/JSON records (the OpenTelemetry Collector's otlp_json encoding); the collector writes protobuf
    const logs = {
      resourceLogs: [
        {
          resource,
          scopeLogs: [
            {
              scope: { name: 'billing-logger', version: '2', attributes: [{ key: 'lib', value: { stringValue: 'pino' } }] },
              logRecords: [
                { timeUnixNano: t(2), severityNumber: 17, severityText: 'ERROR', body: { stringValue: 'payment failed' }, attributes: [{ key: 'order', value: { intValue: '42' } }] },
                { timeUnixNano: t(1), severityNumber: 9, body: { kvlistValue: { values: [{ key: 'event', value: { stringValue: 'charged' } }] } } },
              ],
            },
          ],
        },
      ],
    }
    const point = { startTimeUnixNano: t(60_000), timeUnixNano: t(1) }
    const metrics = {
      resourceMetrics: [
        {
          resource,
          scopeMetrics: [
            {
              scope: { name: 'billing-meter' },
              metrics: [
                { name: 'temperature', gauge: { dataPoints: [{ ...point, asDouble: 21.5 }] } },
                { name: 'requests', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ ...point, asInt: '8' }] } },
                { name: 'latency', histogram: { aggregationTemporality: 2, dataPoints: [{ ...point, count: '3', sum: 170, bucketCounts: ['1', '1', '1'], explicitBounds: [10, 100] }] } },
                { name: 'size', exponentialHistogram: { aggregationTemporality: 1, dataPoints: [{ ...point, count: '3', sum: 7, scale: 0, zeroCount: '0', positive: { offset: 0, bucketCounts: ['1', '1', '1'] } }] } },
                { name: 'rpc', summary: { dataPoints: [{ ...point, count: '2', sum: 3, quantileValues: [{ quantile: 0.5, value: 1 }, { quantile: 0.99, value: 2 }] }] } },
              ],
            },
          ],
        },
      ],
    }
    await produce(bus, TOPICS.logs, [{ key: null, value: Buffer.from(JSON.stringify(logs)), headers: header('signals', 'logs') }])
    await produce(bus, TOPICS.metrics, [{ key: null, value: Buffer.from(JSON.stringify(metrics)), headers: header('signals', 'metrics') }])

    const logRows = await waitFor('two log rows', async () => {
      const r = await rows<Record<string, unknown>>(
        "SELECT ServiceName, SeverityText, SeverityNumber, Body, LogAttributes, ResourceAttributes, ScopeName, ScopeAttributes FROM otel_logs WHERE TenantId = 'signals' ORDER BY Timestamp",
      )
      return r.length >= 2 ? r : undefined
    })
    expect(logRows).toEqual([
      {
        ServiceName: 'billing',
        SeverityText: 'ERROR',
        SeverityNumber: 17,
        Body: 'payment failed',
        LogAttributes: { order: '42' },
        ResourceAttributes: { 'service.name': 'billing', 'host.name': 'node-1' },
        ScopeName: 'billing-logger',
        ScopeAttributes: { lib: 'pino' },
      },
      // no severity text: derived from the number; a structured body as JSON text
      expect.objectContaining({ SeverityNumber: 9, SeverityText: 'INFO', Body: '{"event":"charged"}' }),
    ])
    const tables = ['otel_metrics_gauge', 'otel_metrics_sum', 'otel_metrics_histogram', 'otel_metrics_exponential_histogram', 'otel_metrics_summary']
    const perTable = await waitFor('a row in each metric table', async () => {
      const counts = await Promise.all(tables.map(async (table) => (await rows<{ n: string; m: string }>(`SELECT count() AS n, any(MetricName) AS m FROM ${table} WHERE TenantId = 'signals'`))[0]!))
      return counts.every((c) => c.n === '1') ? counts.map((c) => c.m) : undefined
    })
    expect(perTable).toEqual(['temperature', 'requests', 'latency', 'size', 'rpc'])
    const [rollup] = await rows<{ n: string }>("SELECT sum(Count) AS n FROM log_counts_1m WHERE TenantId = 'signals'")
    expect(rollup!.n).toBe('2')
  })

  it('builds a backlog while inserts fail, then catches up without losing or duplicating a span', async () => {
    failing.failUntilMs = Date.now() + 3000
    const records = spanRecords({ firstSeq: 0, records: 400, spansPerRecord: 5, tenantId: 'outage' })
    await produce(bus, TOPICS.traces, records, 50)

    // during the outage: nothing lands, the partitions are paused and the lag holds the records
    const lagDuring = await waitFor('a backlog', async () => {
      const lag = (await ingest.lag()).reduce((sum, l) => sum + l.lag, 0)
      return lag > 0 && failing.refused > 0 ? lag : undefined
    })
    expect(lagDuring).toBeGreaterThan(0)
    expect((await countSpans(store, 'outage')).rows).toBe(0)
    expect(await metrics.text()).toMatch(/periscope_ingest_paused_partitions\{[^}]*\} [1-9]/)

    const counts = await waitFor(
      'catch-up after the outage',
      async () => {
        const lag = (await ingest.lag()).reduce((sum, l) => sum + l.lag, 0)
        const c = await countSpans(store, 'outage')
        return lag === 0 && c.rows >= 2000 ? c : undefined
      },
      60_000,
    )
    expect(Date.now()).toBeGreaterThanOrEqual(failing.failUntilMs)
    expect(counts).toEqual({ rows: 2000, distinct: 2000, minSeq: 0, maxSeq: 1999 })
    const text = await metrics.text()
    // the first write of a batch is its range plan: the outage shows as retried ledger writes
    expect(text).toMatch(/periscope_ingest_retries_total\{[^}]*step="ledger_write"[^}]*\} [1-9]/)
    expect(text).toMatch(/periscope_ingest_paused_partitions\{[^}]*\} 0/)
    expect(text).toMatch(/periscope_ingest_consumer_lag_records\{[^}]*partition="0"[^}]*\} 0/)
  })
})
