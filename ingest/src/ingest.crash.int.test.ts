/**
 * SIGKILL the ingest process five times mid-stream, before and after inserts: no span is lost
 * and none is duplicated (count and uniqExact over the `seq` attribute every span carries), and
 * the trace index and golden-signal rollups filled by materialized views are not double-counted.
 *
 * Design (local log): the local log and chdb are single-process by design, so each ingest life
 * is a child process that opens both, and the parent never opens them while a child runs. The
 * parent produces the stream in two halves — before the first life and between the third and
 * fourth — so the kills fall in the middle of the stream; ingest lives 1–5 are SIGKILLed at
 * chosen points (after a range plan was recorded but before its insert; during an insert; after
 * ClickHouse acknowledged an insert but before the bus committed; before an insert; after a
 * random delay), each life resuming from the offsets the previous one committed. A sixth life
 * runs until the group has no lag, and counts by SQL.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openBus, TOPICS, type BusConfig } from '@periscope/pipeline'
import { produce } from './testing/harness.ts'
import type { ChildArgs, Marker } from './testing/ingest-child.ts'
import { runChild } from './testing/run-child.ts'
import { spanRecords } from './testing/span-records.ts'

const root = mkdtempSync(join(tmpdir(), 'periscope-ingest-crash-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const SPANS_PER_RECORD = 5
const RECORDS_PER_HALF = 400

describe('ingest killed with SIGKILL mid-stream (local log)', () => {
  it('loses nothing and duplicates nothing over five kills', async () => {
    const tenantId = 'crash-local'
    const bus: BusConfig = { kind: 'local', dir: join(root, 'bus'), partitions: 3, maxBatchRecords: 25, retryBackoffMs: 20, maxRetryBackoffMs: 200 }
    const base: ChildArgs = { storePath: join(root, 'db'), bus, groupIdPrefix: 'crash', tenantId, maxRows: 50 }
    const producePart = async (half: number): Promise<void> => {
      const producer = await openBus(bus)
      await producer.ensureTopics([TOPICS.traces])
      const firstSeq = half * RECORDS_PER_HALF * SPANS_PER_RECORD
      await produce(producer, TOPICS.traces, spanRecords({ firstSeq, records: RECORDS_PER_HALF, spansPerRecord: SPANS_PER_RECORD, tenantId }), 100)
      await producer.close()
    }
    // Each life reads batches of another size and cuts inserts at another row count (as after a
    // config change), so a replay meets other batch boundaries than the life that planned it:
    // only the range ledger makes the replayed inserts carry the tokens of the first attempt.
    let life = 0
    const sizes = [
      { maxBatchRecords: 25, maxRows: 50 },
      { maxBatchRecords: 40, maxRows: 70 },
      { maxBatchRecords: 15, maxRows: 35 },
      { maxBatchRecords: 33, maxRows: 90 },
      { maxBatchRecords: 20, maxRows: 45 },
      { maxBatchRecords: 50, maxRows: 100 },
    ]
    const lifeArgs = (): ChildArgs => {
      const size = sizes[life++ % sizes.length]!
      return { ...base, bus: { ...bus, maxBatchRecords: size.maxBatchRecords }, maxRows: size.maxRows }
    }
    const kill = async (marker: Marker, nth: number, freeze: boolean): Promise<string[]> => {
      const outcome = await runChild({ ...lifeArgs(), stopAt: { marker, nth, freeze } }, { killAt: { marker, nth }, timeoutMs: 60_000 })
      expect(outcome.signal, outcome.stderr).toBe('SIGKILL')
      expect(outcome.marks).toContain(outcome.marks.find((m) => m.startsWith(`${marker} ${nth}`)))
      return outcome.marks
    }

    await producePart(0)
    // 1: the range plan is recorded, its insert never starts
    await kill('ledger-done', 3, true)
    // 2: ClickHouse acknowledged the insert, the bus never committed it
    const second = await kill('insert-done', 2, true)
    expect(second.some((m) => m.startsWith('insert-done 2'))).toBe(true)
    // 3: killed while the insert runs
    await kill('insert-start', 3, false)
    await producePart(1)
    // 4: after an acknowledged insert again, further into the stream
    await kill('insert-done', 4, true)
    // 5: at no particular point
    const fifth = await runChild(lifeArgs(), { killAfterReadyMs: 300, timeoutMs: 60_000 })
    expect(fifth.signal, fifth.stderr).toBe('SIGKILL')

    const total = 2 * RECORDS_PER_HALF * SPANS_PER_RECORD
    const final = await runChild({ ...lifeArgs(), finish: { expectedSpans: total, timeoutMs: 60_000 } }, { timeoutMs: 90_000 })
    expect(final.code, final.stderr).toBe(0)
    expect(final.result).toMatchObject({ rows: total, distinct: total, minSeq: 0, maxSeq: total - 1 })
    // materialized views saw every span exactly once: replayed inserts were dropped before them
    expect(final.result!.traceIndexSpans).toBe(total)
    expect(final.result!.goldenRequests).toBe(2 * RECORDS_PER_HALF)
  }, 180_000)
})
