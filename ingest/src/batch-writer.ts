/**
 * The bus batch handler: one batch of one partition → dead letters + inserts, resolved only when
 * ClickHouse has acknowledged every row of the batch (the bus then commits its offsets).
 *
 * How "no lost and no duplicated rows" holds, including across SIGKILL:
 * 1. Lost: the handler resolves only after every range of the batch is inserted and every poison
 *    record is in the dead-letter topic; on any failure it retries (backoff, partition paused)
 *    or throws, and a batch whose handler threw is delivered again. Offsets are committed by the
 *    bus only after the handler resolved, so a crash replays from the last committed offset.
 * 2. Duplicated: each insert carries the token of its (topic, partition, offset range, table), and
 *    ClickHouse drops an insert whose token it has seen (non_replicated_deduplication_window /
 *    replicated_deduplication_window of the tables). A replay after a crash can come in batches of
 *    other sizes, so ranges are not re-derived from the batch: before inserting, the planned
 *    ranges are written to the range ledger (offset-ledger.ts), and every batch first reads the
 *    ledger's ranges from its first offset on, so planned-but-uncommitted ranges — of this
 *    process, of a killed one, of another member before a rebalance — are cut exactly as before
 *    (range-plan.ts). Rows are a pure function of the record (decode-record.ts), so the same
 *    range gives the same rows and the same token.
 * 3. A replay that ends inside a planned range is not written (that would drop the range's other
 *    rows as duplicates); the handler throws BatchTooShort and the bus delivers the partition
 *    again lengthened through the range's last offset — a life with smaller batches than the one
 *    that planned the range (another config, another fetch size) still writes it whole. Only if
 *    the bus keeps handing back a shorter batch (`maxIncompleteReplays` deliveries: the records are
 *    gone, or the range exceeds the bus's lengthening cap) are the records taken as they are, under
 *    the range's token, after a newer plan for the rest of the range is recorded: that may
 *    duplicate the rest of the range (counted, logged as an error) but never loses rows.
 *
 * Bounded memory: a batch is admitted against a byte budget before it is decoded; while the
 * budget is spent its partition is paused. A failing partition is paused while the insert is
 * retried, so the bus fetches nothing more for it.
 *
 * Batching: a batch is cut into ranges of ≥ `limits.maxRows` rows (or maxBytes), the last one
 * smaller. A partition that is caught up inserts at most once per `minInsertIntervalMs` unless the
 * range is full: the wait lets the next fetch find more records. A partition with a backlog is not
 * paced (its next batch is ready, and could not join this insert anyway: the bus commits per batch).
 */
import type { Signal, TableName } from '@periscope/model'
import { BatchTooShort, createBackoff, createFlushPacer, deadLetterTopic, isFull, type BackoffOptions, type Batch, type BatchLimits, type Consumer, type DeadLetter, type SendOutcome } from '@periscope/pipeline'
import type { Logger } from '@periscope/runtime'
import type { Store } from '@periscope/store'
import { deadLetterOf } from './dead-letter.ts'
import { insertDedupToken } from './dedup-token.ts'
import { decodeRecord, tablesOf, type DecodedRecord } from './decode-record.ts'
import { DeadLetterFailed, Stopping } from './errors.ts'
import type { IngestMetrics, RetriedStep } from './ingest-metrics.ts'
import type { MemoryBudget } from './memory-budget.ts'
import type { PartitionKey, RangeLedger } from './offset-ledger.ts'
import { planRanges, planRangesAcceptingPartial, type OffsetRange, type PlannedRange, type RangePlan } from './range-plan.ts'

export interface BatchWriterOptions {
  signal: Signal
  group: string
  store: Pick<Store, 'insert'>
  ledger: RangeLedger
  /** durably sends dead letters (the bus's sendToDeadLetters) */
  deadLetters: (letters: DeadLetter[]) => Promise<SendOutcome>
  /** the consumer this writer serves, once it exists (pause/resume of partitions) */
  consumer: () => Pick<Consumer, 'pause' | 'resume'> | undefined
  limits: BatchLimits
  minInsertIntervalMs: number
  /** tenant of records without a tenant header; '' makes such records dead letters */
  defaultTenantId: string
  backoff: BackoffOptions
  /** deliveries of a replay that ends inside a planned range before it is written as it is */
  maxIncompleteReplays: number
  budget: MemoryBudget
  metrics: IngestMetrics
  logger: Logger
  /** aborts waits and retries; a handler interrupted by it throws, leaving its batch uncommitted */
  stopSignal: AbortSignal
  random?: () => number
  now?: () => number
}

export interface BatchWriter {
  handle(batch: Batch): Promise<void>
}

interface PartitionState {
  /** deliveries in a row that ended inside the same planned range (its first offset) */
  incomplete: { first: bigint; deliveries: number } | undefined
  /** pause requests outstanding (budget, failing inserts) */
  pauses: number
}

/** a failing dependency is logged as an error (operator action) once it has failed this long */
const FAILING_ERROR_AFTER_MS = 60_000

export function createBatchWriter(options: BatchWriterOptions): BatchWriter {
  const { signal, group, store, ledger, limits, budget, metrics, logger, stopSignal } = options
  const now = options.now ?? Date.now
  const tables = tablesOf(signal)
  const pacer = createFlushPacer({ minIntervalMs: options.minInsertIntervalMs })
  const partitions = new Map<string, PartitionState>()

  const pause = (topic: string, partition: number, state: PartitionState): void => {
    if (state.pauses++ === 0) {
      options.consumer()?.pause(topic, partition)
      metrics.partitionPaused(topic, true)
    }
  }
  const resume = (topic: string, partition: number, state: PartitionState): void => {
    if (--state.pauses === 0) {
      options.consumer()?.resume(topic, partition)
      metrics.partitionPaused(topic, false)
    }
  }

  /** Runs `attempt` until it succeeds, pausing the partition while it fails; throws only when stopping. */
  async function retrying<T>(what: RetriedStep, table: string | undefined, topic: string, partition: number, state: PartitionState, attempt: () => Promise<T>): Promise<T> {
    const backoff = createBackoff(options.backoff, options.random)
    let failingSinceMs: number | undefined
    let escalated = false
    try {
      for (;;) {
        if (stopSignal.aborted) throw new Stopping()
        try {
          const value = await attempt()
          if (failingSinceMs !== undefined) {
            logger.warn({ topic, partition, what, table, attempts: backoff.attempts, failedForMs: now() - failingSinceMs }, 'ingest recovered')
          }
          return value
        } catch (error) {
          if (stopSignal.aborted) throw new Stopping({ cause: error })
          metrics.retried(what)
          if (failingSinceMs === undefined) {
            failingSinceMs = now()
            pause(topic, partition, state)
            logger.warn({ topic, partition, what, table, err: error }, 'ingest step failed; retrying with backoff, partition paused')
          } else if (!escalated && now() - failingSinceMs >= FAILING_ERROR_AFTER_MS) {
            escalated = true
            logger.error({ topic, partition, what, table, err: error, failedForMs: now() - failingSinceMs }, 'ingest step keeps failing; nothing past it is committed')
          }
          await sleep(Math.max(10, backoff.nextDelayMs()), stopSignal)
        }
      }
    } finally {
      if (failingSinceMs !== undefined) resume(topic, partition, state)
    }
  }

  async function sendDeadLetters(batch: Batch, decoded: readonly DecodedRecord[], state: PartitionState): Promise<void> {
    const letters: DeadLetter[] = []
    for (const [i, d] of decoded.entries()) {
      if (d.ok) continue
      letters.push(deadLetterOf(batch.records[i]!, { topic: batch.topic, partition: batch.partition, tenantId: d.tenantId }, d.poison))
      logger.warn({ topic: batch.topic, partition: batch.partition, offset: batch.records[i]!.offset, reason: d.poison.reason, error: d.poison.message }, 'record sent to the dead-letter topic')
    }
    if (letters.length === 0) return
    await retrying('dead_letter', undefined, batch.topic, batch.partition, state, async () => {
      const outcome = await options.deadLetters(letters)
      if (outcome.status === 'success') return
      if (outcome.status === 'failure') logger.error({ topic: deadLetterTopic(batch.topic), err: outcome.error }, 'the dead-letter topic refuses records; the partition waits')
      throw outcome.status === 'failure' ? new DeadLetterFailed(deadLetterTopic(batch.topic), outcome.error.message, { cause: outcome.error }) : outcome.error
    })
    for (const d of decoded) if (!d.ok) metrics.deadLetter(batch.topic, d.poison.reason)
  }

  async function insertRange(batch: Batch, range: PlannedRange, decoded: readonly DecodedRecord[], state: PartitionState, mayPace: boolean): Promise<void> {
    const rowsByTable = new Map<TableName, object[]>()
    let rowCount = 0
    let bytes = 0
    for (let i = range.start; i < range.end; i++) {
      const d = decoded[i]!
      bytes += batch.records[i]!.value.length
      if (!d.ok) continue
      for (const [table, rows] of d.tables) {
        const into = rowsByTable.get(table)
        if (into) for (const row of rows) into.push(row)
        else rowsByTable.set(table, rows.slice())
        rowCount += rows.length
      }
    }
    if (rowCount === 0) return
    const paceKey = `${batch.topic}/${batch.partition}`
    const waitMs = mayPace ? pacer.delayMs(paceKey, now(), isFull({ rows: rowCount, bytes }, limits)) : 0
    if (waitMs > 0) await sleep(waitMs, stopSignal)
    if (range.pinned) metrics.replayedRange(batch.topic)
    for (const table of tables) {
      const rows = rowsByTable.get(table)
      if (!rows) continue
      const dedupToken = insertDedupToken({ topic: batch.topic, partition: batch.partition, first: range.first, last: range.tokenLast ?? range.last }, table)
      await retrying('insert', table, batch.topic, batch.partition, state, async () => {
        const startedMs = performance.now()
        try {
          await store.insert(table, rows, { dedupToken })
        } catch (error) {
          metrics.insertDone(table, (performance.now() - startedMs) / 1000, 'error')
          throw error
        }
        metrics.insertDone(table, (performance.now() - startedMs) / 1000, 'ok')
      })
      metrics.rowsWritten(table, rows.length)
    }
    pacer.flushed(paceKey, now())
  }

  async function plan(batch: Batch, key: PartitionKey, offsets: bigint[], decoded: readonly DecodedRecord[], state: PartitionState): Promise<RangePlan> {
    const weights = decoded.map((d, i) => ({ rows: d.ok ? d.rows : 0, bytes: batch.records[i]!.value.length }))
    const first = offsets[0]!
    const last = offsets[offsets.length - 1]!
    // Read at every batch, not only after a start: the partition may have been with another
    // member (rebalance) that planned and inserted ranges and died before committing them.
    const pins = await retrying('ledger_read', undefined, batch.topic, batch.partition, state, () => ledger.openRanges(key, first))
    const planned = planRanges(offsets, weights, pins, limits)
    if (!planned.incomplete) {
      state.incomplete = undefined
      return planned
    }
    const pin = planned.incomplete
    const deliveries = state.incomplete?.first === pin.first ? state.incomplete.deliveries + 1 : 1
    state.incomplete = { first: pin.first, deliveries }
    if (deliveries < options.maxIncompleteReplays) {
      metrics.batchLengthened(batch.topic)
      throw new BatchTooShort(pin.last.toString())
    }
    // Fallback: the bus keeps delivering less than the planned range. Replace the range in the
    // ledger by two newer plans — the part in hand, keeping the old range's token, and the rest —
    // then write the part in hand under the old token: if the old range landed, ClickHouse drops
    // it; the rest gets a token of its own and may duplicate rows, but no row is ever lost (the
    // old token is never used for more rows than the first time it may have landed).
    logger.error(
      { topic: batch.topic, partition: batch.partition, batchLast: last.toString(), range: `${pin.first}-${pin.last}`, deliveries },
      'replayed batch keeps ending inside a planned range; writing it as it is (rows of the rest of the range may be duplicated)',
    )
    metrics.replayFallback(batch.topic)
    state.incomplete = undefined
    const fallback = planRangesAcceptingPartial(offsets, weights, pins, limits)
    const partial = fallback.ranges[fallback.ranges.length - 1]!
    const replacement: OffsetRange[] = [
      { first: partial.first, last: partial.last, tokenLast: partial.tokenLast! },
      { first: last + 1n, last: pin.last },
    ]
    await retrying('ledger_write', undefined, batch.topic, batch.partition, state, () => ledger.record(key, replacement))
    return fallback
  }

  async function write(batch: Batch, state: PartitionState): Promise<void> {
    const key: PartitionKey = { group, topic: batch.topic, partition: batch.partition }
    const offsets = batch.records.map((r) => BigInt(r.offset))
    const decoded = batch.records.map((r) => decodeRecord(signal, r, options.defaultTenantId))
    metrics.recordsConsumed(batch.topic, batch.records.length)
    const rangePlan = await plan(batch, key, offsets, decoded, state)
    const fresh = rangePlan.ranges.filter((r) => !r.pinned).map(({ first, last }) => ({ first, last }))
    if (fresh.length > 0) await retrying('ledger_write', undefined, batch.topic, batch.partition, state, () => ledger.record(key, fresh))
    await sendDeadLetters(batch, decoded, state)
    // Waiting before an insert only makes the next one larger when the records after it are not
    // there yet: so only the batch's last range is paced, and only when the partition is caught up.
    // While catching up, inserts are as large as the bus's batches (size maxBatchRecords/Bytes so
    // that one holds ≥ batch.maxRows rows).
    const caughtUp = BigInt(batch.highWatermark) <= offsets[offsets.length - 1]! + 1n
    for (const [i, range] of rangePlan.ranges.entries()) {
      await insertRange(batch, range, decoded, state, caughtUp && i === rangePlan.ranges.length - 1)
    }
  }

  return {
    async handle(batch) {
      if (batch.records.length === 0) return
      const id = `${batch.topic}/${batch.partition}`
      let state = partitions.get(id)
      if (!state) {
        state = { incomplete: undefined, pauses: 0 }
        partitions.set(id, state)
      }
      let sizeBytes = 0
      for (const r of batch.records) sizeBytes += r.value.length + (r.key?.length ?? 0)
      let release: () => void
      if (budget.fits(sizeBytes)) {
        release = await budget.acquire(sizeBytes)
      } else {
        pause(batch.topic, batch.partition, state)
        try {
          release = await budget.acquire(sizeBytes, stopSignal).catch((error: unknown) => {
            throw new Stopping({ cause: error })
          })
        } finally {
          resume(batch.topic, batch.partition, state)
        }
      }
      try {
        await write(batch, state)
      } finally {
        release()
      }
    },
  }
}

/** Resolves after `ms`, or rejects with Stopping once `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Stopping())
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(new Stopping())
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
