/**
 * Ingest end to end in one process over the real Kafka broker (deploy/kafka, started by the
 * integration global setup) and the embedded ClickHouse: 100k spans arrive exactly once, and a
 * poison record goes to the dead-letter topic while the stream goes on.
 *
 * The broker may be shared with other test files and earlier runs, so this file uses its own
 * consumer groups and its own tenant ids (counts are per tenant), and its groups read whatever
 * else the topic holds too.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HEADERS, TOPICS, deadLetterTopic, openBus, type Bus, type ConsumedRecord } from '@periscope/pipeline'
import { createLogger, createSelfMetrics, type SelfMetrics } from '@periscope/runtime'
import { migrate, openStore, type Store } from '@periscope/store'
import { build, type Ingest } from './app.ts'
import { countSpans, produce, sleep, waitFor } from './testing/harness.ts'
import { kafkaBusConfig } from './testing/kafka.ts'
import { poisonRecord, spanRecords } from './testing/span-records.ts'

const run = `${process.pid}-${Date.now()}`
const dir = mkdtempSync(join(tmpdir(), 'periscope-ingest-kafka-'))
let store: Store
let bus: Bus
let ingest: Ingest
let metrics: SelfMetrics

beforeAll(async () => {
  store = await openStore({ mode: 'embedded', path: join(dir, 'db') })
  await migrate(store)
  bus = await openBus(kafkaBusConfig(`ingest-test-${run}`))
  metrics = createSelfMetrics({ service: 'ingest', defaultMetrics: false })
  ingest = build({
    config: {
      signals: ['traces'],
      groupIdPrefix: `ingest-kafka-${run}`,
      defaultTenantId: 'default',
      batch: { maxRows: 10_000, maxBytes: 16 << 20, minInsertIntervalMs: 1000 },
      maxPendingBytes: 256 << 20,
      retry: { initialDelayMs: 50, maxDelayMs: 1000 },
      maxIncompleteReplays: 5,
      stopGraceMs: 5000,
    },
    logger: createLogger({ service: 'ingest', level: 'warn' }),
    bus,
    store,
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

describe('ingest over Kafka', () => {
  it('writes 100k spans exactly once', async () => {
    const tenantId = `k100-${run}`
    const total = 100_000
    // 10 spans per record (one trace each), as the collector writes them
    await produce(bus, TOPICS.traces, spanRecords({ records: total / 10, spansPerRecord: 10, tenantId }), 500, 90_000)
    const counts = await waitFor(
      '100k spans in ClickHouse',
      async () => {
        const c = await countSpans(store, tenantId)
        return c.rows >= total ? c : undefined
      },
      90_000,
      250,
    )
    expect(counts).toEqual({ rows: total, distinct: total, minSeq: 0, maxSeq: total - 1 })
    // and nothing more arrives later
    await waitFor('no lag', async () => ((await ingest.lag()).every((l) => l.lag === 0) ? true : undefined), 30_000)
    await sleep(1000)
    expect(await countSpans(store, tenantId)).toEqual(counts)
  })

  it('sends a poison record to the dead-letter topic and goes on', async () => {
    const tenantId = `kpoison-${run}`
    await produce(bus, TOPICS.traces, [...spanRecords({ records: 20, spansPerRecord: 3, tenantId }), poisonRecord(tenantId), ...spanRecords({ firstSeq: 60, records: 20, spansPerRecord: 3, tenantId })])
    const counts = await waitFor('120 spans', async () => {
      const c = await countSpans(store, tenantId)
      return c.rows >= 120 ? c : undefined
    })
    expect(counts).toEqual({ rows: 120, distinct: 120, minSeq: 0, maxSeq: 119 })
    const letters: ConsumedRecord[] = []
    const reader = await bus.consume({
      groupId: `dlq-reader-${run}`,
      topics: [deadLetterTopic(TOPICS.traces)],
      eachBatch: async (batch) => void letters.push(...batch.records.filter((r) => r.headers[HEADERS.tenant] === tenantId)),
    })
    try {
      await waitFor('the dead letter', async () => (letters.length > 0 ? true : undefined), 30_000)
    } finally {
      await reader.stop()
    }
    expect(letters).toHaveLength(1)
    expect(letters[0]!.headers[HEADERS.sourceTopic]).toBe(TOPICS.traces)
    expect(letters[0]!.headers[HEADERS.sourceOffset]).toMatch(/^\d+$/)
    expect(letters[0]!.headers[HEADERS.error]).toMatch(/^undecodable: /)
  })
})
