/**
 * SIGKILL the ingest process five times while a producer keeps writing to Kafka: no span is lost
 * and none is duplicated (count and uniqExact over the `seq` attribute every span carries).
 *
 * Design (Kafka): the broker is shared, so the parent produces in the background (a chunk every
 * half second) until the fifth kill while ingest lives 1–5 (child processes, each opening the same chdb directory after
 * the previous one died) are SIGKILLed at chosen points — after a range plan was recorded but
 * before its insert, after ClickHouse acknowledged an insert but before the offset commit, during
 * an insert, and after a delay. Each life rejoins the same consumer group and resumes from the
 * committed offsets once the dead member's short session (6 s) has expired (the last life keeps a
 * normal 30 s session, so load cannot get it evicted). When the producer has
 * stopped, a sixth life runs until the group has no lag and counts by SQL.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openBus, TOPICS } from '@periscope/pipeline'
import { produce, sleep } from './testing/harness.ts'
import { kafkaBusConfig } from './testing/kafka.ts'
import type { ChildArgs, Marker } from './testing/ingest-child.ts'
import { runChild } from './testing/run-child.ts'
import { spanRecords } from './testing/span-records.ts'

const root = mkdtempSync(join(tmpdir(), 'periscope-ingest-kafka-crash-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const SPANS_PER_RECORD = 4
const CHUNK_RECORDS = 40
const CHUNK_EVERY_MS = 500

describe('ingest killed with SIGKILL mid-stream (Kafka)', () => {
  it('loses nothing and duplicates nothing over five kills while the producer goes on', async () => {
    const run = `${process.pid}-${Date.now()}`
    const tenantId = `kcrash-${run}`
    const bus = kafkaBusConfig(`ingest-crash-${run}`, { shortSession: true })
    const base: ChildArgs = { storePath: join(root, 'db'), bus, groupIdPrefix: `kcrash-${run}`, tenantId, maxRows: 60 }

    const producer = await openBus(bus)
    await producer.ensureTopics([TOPICS.traces])
    // the producer runs until the fifth kill, so every kill falls in the middle of the stream
    let produced = 0
    let stopProducing = false
    const producing = (async () => {
      while (!stopProducing) {
        const firstSeq = produced * CHUNK_RECORDS * SPANS_PER_RECORD
        await produce(producer, TOPICS.traces, spanRecords({ firstSeq, records: CHUNK_RECORDS, spansPerRecord: SPANS_PER_RECORD, tenantId }), CHUNK_RECORDS, 30_000)
        produced++
        await sleep(CHUNK_EVERY_MS)
      }
    })()

    // each life hands over chunks of another size and cuts inserts at another row count, so a
    // replay meets other boundaries than the life that planned the ranges (see ingest.crash.int.test.ts)
    let life = 0
    const lives: string[] = []
    const lifeArgs = (): ChildArgs => {
      const size = [
        { maxBatchRecords: 30, maxRows: 60 },
        { maxBatchRecords: 55, maxRows: 100 },
        { maxBatchRecords: 20, maxRows: 45 },
        { maxBatchRecords: 45, maxRows: 130 },
        { maxBatchRecords: 25, maxRows: 70 },
        { maxBatchRecords: 1000, maxRows: 10_000 },
      ][life++]!
      return { ...base, bus: { ...bus, maxBatchRecords: size.maxBatchRecords }, maxRows: size.maxRows }
    }
    try {
      const kill = async (marker: Marker, nth: number, freeze: boolean): Promise<void> => {
        const outcome = await runChild({ ...lifeArgs(), stopAt: { marker, nth, freeze } }, { killAt: { marker, nth }, timeoutMs: 60_000 })
        lives.push(outcome.marks.join('\n') + '\n' + outcome.stderr)
        expect(outcome.signal, outcome.stderr).toBe('SIGKILL')
        expect(outcome.marks.some((m) => m.startsWith(`${marker} ${nth}`))).toBe(true)
      }
      await kill('ledger-done', 2, true)
      await kill('insert-done', 2, true)
      await kill('insert-start', 3, false)
      await kill('insert-done', 3, true)
      const fifth = await runChild(lifeArgs(), { killAfterReadyMs: 2000, timeoutMs: 60_000 })
      lives.push(fifth.marks.join('\n') + '\n' + fifth.stderr)
      expect(fifth.signal, fifth.stderr).toBe('SIGKILL')
    } finally {
      stopProducing = true
      await producing
      await producer.close()
    }

    const total = produced * CHUNK_RECORDS * SPANS_PER_RECORD
    // the last life keeps a normal session: it must not be evicted on a loaded machine
    const last = lifeArgs()
    const final = await runChild(
      { ...last, bus: { ...kafkaBusConfig(`ingest-crash-${run}`), maxBatchRecords: 1000 }, finish: { expectedSpans: total, timeoutMs: 90_000 } },
      { timeoutMs: 120_000 },
    )
    expect(final.code, final.stderr).toBe(0)
    // on failure, the message shows every life's inserts and warnings
    const diagnostics = [...lives, final.marks.join('\n') + '\n' + final.stderr].join('\n===== next life\n')
    expect(final.result, diagnostics).toMatchObject({ rows: total, distinct: total, minSeq: 0, maxSeq: total - 1 })
    expect(final.result!.traceIndexSpans).toBe(total)
  }, 180_000)
})
