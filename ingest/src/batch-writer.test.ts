import { describe, expect, it, vi } from 'vitest'
import fc from 'fast-check'
import { BatchTooShort, type Batch, type BusRecord } from '@periscope/pipeline'
import { createLogger } from '@periscope/runtime'
import { createBatchWriter, type BatchWriterOptions } from './batch-writer.ts'
import { createMemoryBudget } from './memory-budget.ts'
import { createFakeDeadLetters, createFakeLedger, createFakeStore, testMetrics, type FakeLedger, type FakeStore } from './testing/fakes.ts'
import { poisonRecord, spanRecords } from './testing/span-records.ts'

const TOPIC = 'otlp.traces'
const silent = createLogger({ service: 'ingest-test', level: 'silent' })

function batchOf(records: readonly BusRecord[], firstOffset: number, partition = 0): Batch {
  return {
    topic: TOPIC,
    partition,
    records: records.map((r, i) => ({ ...r, offset: String(firstOffset + i), timestampMs: 0 })),
    highWatermark: String(firstOffset + records.length),
  }
}

interface Harness {
  store: FakeStore
  ledger: FakeLedger
  dlq: ReturnType<typeof createFakeDeadLetters>
  paused: string[]
  options: (overrides?: Partial<BatchWriterOptions>) => BatchWriterOptions
}

function harness(): Harness {
  const store = createFakeStore()
  const ledger = createFakeLedger()
  const dlq = createFakeDeadLetters()
  const paused: string[] = []
  const consumer = {
    pause: (topic: string, partition: number) => paused.push(`pause ${topic}/${partition}`),
    resume: (topic: string, partition: number) => paused.push(`resume ${topic}/${partition}`),
  }
  return {
    store,
    ledger,
    dlq,
    paused,
    options: (overrides = {}) => ({
      signal: 'traces',
      group: 'g',
      store,
      ledger,
      deadLetters: dlq.send,
      consumer: () => consumer,
      limits: { maxRows: 20, maxBytes: 1e9 },
      minInsertIntervalMs: 0,
      defaultTenantId: 'default',
      backoff: { initialDelayMs: 1, maxDelayMs: 5 },
      maxIncompleteReplays: 3,
      budget: createMemoryBudget(1 << 30),
      metrics: testMetrics(),
      logger: silent,
      stopSignal: new AbortController().signal,
      random: () => 0.5,
      ...overrides,
    }),
  }
}

/** seqs of the spans in the fake store, from the `seq` attribute every test span carries */
function seqs(store: FakeStore): number[] {
  return (store.rows.get('otel_traces') ?? []).map((row) => Number((row as { SpanAttributes: Record<string, string> }).SpanAttributes['seq']))
}

describe('createBatchWriter', () => {
  it('plans ranges in the ledger, then inserts each with its token, and writes every span once', async () => {
    const h = harness()
    const order: string[] = []
    h.ledger.hook = (op) => void order.push(`ledger ${op}`)
    h.store.hook = (insert) => void order.push(`insert ${insert.token}`)
    const writer = createBatchWriter(h.options())
    // 6 records × 5 spans, maxRows 20 → ranges of 4 records (20 rows) and 2 records (10 rows)
    await writer.handle(batchOf(spanRecords({ records: 6, spansPerRecord: 5 }), 100))
    expect(order).toEqual(['ledger read', 'ledger record', 'insert otlp.traces/0/100-103/otel_traces', 'insert otlp.traces/0/104-105/otel_traces'])
    expect(seqs(h.store).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i))
    expect(h.ledger.entries.map((e) => [Number(e.first), Number(e.last)])).toEqual([
      [100, 103],
      [104, 105],
    ])
    // every batch reads the ledger first (another member may have planned ranges before a rebalance)
    order.length = 0
    await writer.handle(batchOf(spanRecords({ firstSeq: 30, records: 1, spansPerRecord: 5 }), 106))
    expect(order).toEqual(['ledger read', 'ledger record', 'insert otlp.traces/0/106-106/otel_traces'])
  })

  it('after a crash, replays the planned ranges with their tokens even when the new batch is longer', async () => {
    const h = harness()
    const records = spanRecords({ records: 10, spansPerRecord: 3 })
    // first life: a batch of 5 records, one range [0-4] (15 rows); it lands, then the process dies before the commit
    await createBatchWriter(h.options()).handle(batchOf(records.slice(0, 5), 0))
    expect(h.store.landed.map((i) => i.token)).toEqual(['otlp.traces/0/0-4/otel_traces'])
    // second life: the bus redelivers from offset 0, now 10 records in one batch
    await createBatchWriter(h.options()).handle(batchOf(records, 0))
    expect(h.store.deduplicated).toBe(1)
    expect(h.store.landed.map((i) => i.token)).toEqual(['otlp.traces/0/0-4/otel_traces', 'otlp.traces/0/5-9/otel_traces'])
    expect(seqs(h.store).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i))
  })

  it('honours ranges another member planned and inserted before a rebalance, even where this member left off', async () => {
    const h = harness()
    const records = spanRecords({ records: 10, spansPerRecord: 2 })
    const a = createBatchWriter(h.options())
    await a.handle(batchOf(records.slice(0, 3), 0))
    // the partition moves to member b, which writes 3..5 and dies before committing
    await createBatchWriter(h.options()).handle(batchOf(records.slice(3, 6), 3))
    // back to a, from the committed offset 3 — exactly where a left off
    await a.handle(batchOf(records.slice(3), 3))
    expect(seqs(h.store).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(h.store.deduplicated).toBe(1)
  })

  it('sends poison records to the dead-letter topic with where they came from, and writes the rest', async () => {
    const h = harness()
    const good = spanRecords({ records: 2, spansPerRecord: 2 })
    const noTenant = { ...spanRecords({ firstSeq: 100, records: 1, spansPerRecord: 1 })[0]!, headers: {} }
    const writer = createBatchWriter(h.options({ defaultTenantId: '' }))
    await writer.handle(batchOf([good[0]!, poisonRecord(), good[1]!, noTenant], 7))
    expect(seqs(h.store).sort((a, b) => a - b)).toEqual([0, 1, 2, 3])
    expect(h.dlq.sent.map((l) => [l.topic, l.partition, l.record.offset, l.tenant, String(l.error).split(':')[0]])).toEqual([
      ['otlp.traces', 0, '8', 'acme', 'undecodable'],
      ['otlp.traces', 0, '10', '', 'no_tenant'],
    ])
  })

  it('retries a failing insert with the partition paused, and resolves only once it landed', async () => {
    const h = harness()
    let failures = 3
    h.store.hook = () => {
      if (failures-- > 0) throw new Error('ClickHouse unavailable')
    }
    await createBatchWriter(h.options()).handle(batchOf(spanRecords({ records: 2, spansPerRecord: 2 }), 0))
    expect(seqs(h.store)).toHaveLength(4)
    expect(h.paused).toEqual(['pause otlp.traces/0', 'resume otlp.traces/0'])
  })

  it('an insert whose acknowledgement was lost is retried under the same token and not duplicated', async () => {
    const h = harness()
    let once = true
    h.store.hook = () => {
      if (once) {
        once = false
        return 'land-then-throw'
      }
    }
    await createBatchWriter(h.options()).handle(batchOf(spanRecords({ records: 3, spansPerRecord: 2 }), 0))
    expect(seqs(h.store).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5])
    expect(h.store.deduplicated).toBe(1)
  })

  it('gives up a failing batch when stopping, leaving it uncommitted', async () => {
    const h = harness()
    const stop = new AbortController()
    h.store.hook = () => {
      stop.abort()
      throw new Error('ClickHouse unavailable')
    }
    const handled = createBatchWriter(h.options({ stopSignal: stop.signal })).handle(batchOf(spanRecords({ records: 1, spansPerRecord: 1 }), 0))
    await expect(handled).rejects.toMatchObject({ code: 'PERISCOPE_ERR_INGEST_STOPPING' })
  })

  it('refuses a replay that ends inside a planned range, then falls back without losing rows', async () => {
    const h = harness()
    const records = spanRecords({ records: 6, spansPerRecord: 1 })
    // a crashed life planned [0..5] and its insert landed
    await createBatchWriter(h.options()).handle(batchOf(records, 0))
    const writer = createBatchWriter(h.options({ maxIncompleteReplays: 2 }))
    // first short delivery: the bus is asked for the records through the range's end
    await expect(writer.handle(batchOf(records.slice(0, 3), 0))).rejects.toMatchObject({ name: 'BatchTooShort', throughOffset: '5' })
    // second short delivery: fallback — written as it is under the old token (deduplicated here)
    await writer.handle(batchOf(records.slice(0, 3), 0))
    expect(h.store.deduplicated).toBe(1)
    // the rest of the range is a new plan: its rows may duplicate, they are never lost
    await writer.handle(batchOf(records.slice(3), 3))
    const got = seqs(h.store)
    expect(new Set(got)).toEqual(new Set([0, 1, 2, 3, 4, 5]))
    // the ledger now holds the part written (old token) and the rest, newer than the old range
    expect(h.ledger.entries.slice(-2).map((e) => [Number(e.first), Number(e.last), e.tokenLast === undefined ? null : Number(e.tokenLast)])).toEqual([
      [0, 2, 5],
      [3, 5, null],
    ])
  })

  it('waits for the memory budget with its partition paused', async () => {
    const h = harness()
    const budget = createMemoryBudget(1 << 20)
    const hold = await budget.acquire(1 << 20)
    const handled = createBatchWriter(h.options({ budget })).handle(batchOf(spanRecords({ records: 1, spansPerRecord: 1 }), 0, 4))
    await new Promise((r) => setImmediate(r))
    expect(h.paused).toEqual(['pause otlp.traces/4'])
    expect(h.store.landed).toHaveLength(0)
    hold()
    await handled
    expect(h.paused).toEqual(['pause otlp.traces/4', 'resume otlp.traces/4'])
    expect(budget.usedBytes).toBe(0)
  })

  it('paces inserts of a caught-up partition unless the range is full; a backlog is not paced', async () => {
    vi.useFakeTimers()
    try {
      const h = harness()
      const writer = createBatchWriter(h.options({ minInsertIntervalMs: 1000 }))
      /** ms of fake time the batch took to be written */
      const fakeMsFor = async (batch: Batch): Promise<number> => {
        let done = false
        const handled = writer.handle(batch).then(() => (done = true))
        let elapsedMs = 0
        while (!done && elapsedMs < 5000) {
          await vi.advanceTimersByTimeAsync(100)
          elapsedMs += 100
        }
        await handled
        return elapsedMs
      }
      expect(await fakeMsFor(batchOf(spanRecords({ records: 1, spansPerRecord: 1 }), 0))).toBe(100)
      // caught up (high watermark right after the batch) and not full: waits out the interval,
      // counted from the previous insert (at fake time 0, 100 ms before this batch came)
      expect(await fakeMsFor(batchOf(spanRecords({ firstSeq: 1, records: 1, spansPerRecord: 1 }), 1))).toBe(900)
      // a full range (20 rows) goes at once
      expect(await fakeMsFor(batchOf(spanRecords({ firstSeq: 2, records: 1, spansPerRecord: 20 }), 2))).toBe(100)
      // a backlog behind the batch: goes at once
      expect(await fakeMsFor({ ...batchOf(spanRecords({ firstSeq: 22, records: 1, spansPerRecord: 1 }), 3), highWatermark: '100' })).toBe(100)
      expect(seqs(h.store)).toHaveLength(23)
    } finally {
      vi.useRealTimers()
    }
  })

  it('no span is lost or duplicated across crashes at any point and redeliveries of any size (simulation)', async () => {
    const records = spanRecords({ records: 40, spansPerRecord: 2 })
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 60, maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 60, maxLength: 60 }),
        async (lengths, crashes) => {
          const h = harness()
          const options = (stopSignal: AbortSignal) =>
            h.options({ stopSignal, maxIncompleteReplays: 1000, limits: { maxRows: 6, maxBytes: 1e9 } })
          // one "life" of the process: a writer with its memory, killed by aborting its stop signal
          let stop = new AbortController()
          let writer = createBatchWriter(options(stop.signal))
          const newLife = (): void => {
            stop = new AbortController()
            writer = createBatchWriter(options(stop.signal))
          }
          let committed = 0
          let step = 0
          /** the offset a refused short replay asked the bus to deliver through */
          let lengthenThrough: number | undefined
          while (committed < records.length && step < 300) {
            const crash = crashes[step % crashes.length]!
            let count = 0
            const kill = stop
            // crash kinds: 1 ledger write dies, 2 insert dies before landing, 3 insert lands then dies,
            // 4 dies after the handler resolved but before the commit; others: no crash
            h.ledger.hook = (op) => {
              if (crash === 1 && op === 'record') {
                kill.abort()
                throw new Error('killed')
              }
            }
            h.store.hook = () => {
              if (count++ !== 0) return
              if (crash === 2) {
                kill.abort()
                throw new Error('killed')
              }
              if (crash === 3) {
                kill.abort()
                return 'land-then-throw'
              }
            }
            const length = lengthenThrough !== undefined ? lengthenThrough - committed + 1 : lengths[step % lengths.length]!
            step++
            const batch = batchOf(records.slice(committed, committed + length), committed)
            try {
              await writer.handle(batch)
              lengthenThrough = undefined
              if (crash === 4) newLife()
              else committed += batch.records.length
            } catch (error) {
              // a refused short replay is delivered again lengthened, as the bus does; anything else killed it
              lengthenThrough = error instanceof BatchTooShort ? Number(error.throughOffset) : undefined
              if (lengthenThrough === undefined) newLife()
            }
          }
          expect(committed).toBe(records.length)
          const got = seqs(h.store)
          expect(got.length).toBe(80)
          expect(new Set(got).size).toBe(80)
        },
      ),
      { numRuns: 40 },
    )
  })
})
