/**
 * What ingest counts, on /metrics. Labels are bounded: topic (three signal topics), table (seven),
 * partition (the topics' partition count), dead-letter reason (four), outcome (two), retried step (four).
 */
import type { SelfMetrics } from '@periscope/runtime'
import type { PartitionLag } from '@periscope/pipeline'
import type { DeadLetterReason } from './dead-letter.ts'

export interface IngestMetrics {
  recordsConsumed(topic: string, count: number): void
  rowsWritten(table: string, count: number): void
  insertDone(table: string, durationSeconds: number, outcome: 'ok' | 'error'): void
  deadLetter(topic: string, reason: DeadLetterReason): void
  /** a range re-inserted from the ledger after a crash or a failure (ClickHouse drops it if it landed before) */
  replayedRange(topic: string): void
  /** a replayed batch ended inside a planned range; the bus was asked for a longer one */
  batchLengthened(topic: string): void
  /** a replayed batch ended inside a planned range and was written as it was (may duplicate rows) */
  replayFallback(topic: string): void
  partitionPaused(topic: string, paused: boolean): void
  /** a failed attempt of a step that is retried */
  retried(step: RetriedStep): void
}

export type RetriedStep = 'insert' | 'ledger_read' | 'ledger_write' | 'dead_letter'

export interface IngestMetricsOptions {
  /** read at scrape time: the lag of every consumer ingest runs */
  lag: () => Promise<PartitionLag[]>
  /** read at scrape time: bytes of batches held in memory */
  pendingBytes: () => number
}

export function createIngestMetrics(self: SelfMetrics, options: IngestMetricsOptions): IngestMetrics {
  const records = self.counter<'topic'>({ name: 'periscope_ingest_records_consumed_total', help: 'bus records read (each an OTLP export request)', labelNames: ['topic'] })
  const rows = self.counter<'table'>({ name: 'periscope_ingest_rows_written_total', help: 'rows acknowledged by ClickHouse (replays dropped by deduplication included)', labelNames: ['table'] })
  const inserts = self.histogram<'table' | 'outcome'>({
    name: 'periscope_ingest_insert_duration_seconds',
    help: 'time of one insert into ClickHouse',
    labelNames: ['table', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  })
  const deadLetters = self.counter<'topic' | 'reason'>({ name: 'periscope_ingest_dead_letters_total', help: 'records sent to the dead-letter topic', labelNames: ['topic', 'reason'] })
  const replays = self.counter<'topic'>({ name: 'periscope_ingest_replayed_ranges_total', help: 'offset ranges inserted again as planned before a crash or failure', labelNames: ['topic'] })
  const lengthened = self.counter<'topic'>({
    name: 'periscope_ingest_batches_lengthened_total',
    help: 'replayed batches that ended inside a planned range and were asked for again through its end',
    labelNames: ['topic'],
  })
  const fallbacks = self.counter<'topic'>({
    name: 'periscope_ingest_replay_fallbacks_total',
    help: 'replayed batches that ended inside a planned range and were written as they were (rows may be duplicated)',
    labelNames: ['topic'],
  })
  const retries = self.counter<'step'>({
    name: 'periscope_ingest_retries_total',
    help: 'failed attempts that were retried (ClickHouse or the bus unavailable); nothing past them is committed',
    labelNames: ['step'],
  })
  const paused = self.gauge<'topic'>({ name: 'periscope_ingest_paused_partitions', help: 'partitions paused for failing inserts or the memory budget', labelNames: ['topic'] })
  self.gauge<'topic' | 'partition'>({
    name: 'periscope_ingest_consumer_lag_records',
    help: 'records between the committed offset and the end of the partition',
    labelNames: ['topic', 'partition'],
    async collect(gauge) {
      gauge.reset()
      for (const l of await options.lag()) gauge.set({ topic: l.topic, partition: String(l.partition) }, l.lag)
    },
  })
  self.gauge({
    name: 'periscope_ingest_pending_bytes',
    help: 'encoded bytes of the batches held in memory',
    collect(gauge) {
      gauge.set(options.pendingBytes())
    },
  })
  return {
    recordsConsumed: (topic, count) => records.inc({ topic }, count),
    rowsWritten: (table, count) => rows.inc({ table }, count),
    insertDone: (table, durationSeconds, outcome) => inserts.observe({ table, outcome }, durationSeconds),
    deadLetter: (topic, reason) => deadLetters.inc({ topic, reason }),
    replayedRange: (topic) => replays.inc({ topic }),
    batchLengthened: (topic) => lengthened.inc({ topic }),
    replayFallback: (topic) => fallbacks.inc({ topic }),
    partitionPaused: (topic, isPaused) => paused.inc({ topic }, isPaused ? 1 : -1),
    retried: (step) => retries.inc({ step }),
  }
}
