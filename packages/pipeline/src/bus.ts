/**
 * The bus contract: what the collector writes to and ingest reads from. Two implementations
 * (KafkaBus over kafkajs, LocalLogBus on disk) pass one contract suite; nothing outside
 * `openBus(config)` knows which one it holds.
 *
 * Guarantees every implementation gives:
 * - `send` resolves only once every record is durable (Kafka: acks=all; local log: fsynced);
 *   it never hangs: when the bus cannot accept within `sendTimeoutMs` it resolves with a
 *   retryable outcome instead of throwing.
 * - Records with the same key keep their order (they go to the same partition).
 * - A consumer's offset for a partition is committed only after `eachBatch` resolved for the
 *   batch, so delivery is at-least-once; a handler that throws leaves the offset where it was and
 *   the batch is delivered again.
 * - A handler that needs the records after its batch to make progress (ingest: a batch that ends
 *   inside an insert range planned by an earlier delivery) throws `BatchTooShort(throughOffset)`:
 *   the partition is delivered again from the same first offset, at once and not counted as a
 *   failure, with every record up to `throughOffset` that the log still holds — even beyond
 *   maxBatchRecords, up to MAX_EXTENDED_BATCH_BYTES. Nothing is committed meanwhile.
 */

export const TOPICS = {
  traces: 'otlp.traces',
  logs: 'otlp.logs',
  metrics: 'otlp.metrics',
} as const

export type Topic = (typeof TOPICS)[keyof typeof TOPICS]

export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`
}

/** Header names carried by every record the collector writes. */
export const HEADERS = {
  tenant: 'periscope-tenant',
  signal: 'periscope-signal',
  schemaVersion: 'periscope-schema-version',
  /** dead letters only */
  error: 'periscope-error',
  sourceTopic: 'periscope-source-topic',
  sourcePartition: 'periscope-source-partition',
  sourceOffset: 'periscope-source-offset',
} as const

export interface BusRecord {
  /** partitioning key (spans: a trace id of the record, see Bus.partitioner); null spreads records over partitions */
  key: Buffer | null
  value: Buffer
  headers: Record<string, string>
}

export interface ConsumedRecord extends BusRecord {
  /** offsets are decimal strings, as Kafka gives them */
  offset: string
  timestampMs: number
}

export type SendOutcome =
  | { status: 'success' }
  | { status: 'retryable'; retryAfterMs?: number; error: Error }
  | { status: 'failure'; error: Error }

export interface Batch {
  topic: string
  partition: number
  records: ConsumedRecord[]
  /** the offset after the last record of the partition's log when the batch was fetched */
  highWatermark: string
}

/** the most bytes a batch lengthened by BatchTooShort holds (one record may exceed it) */
export const MAX_EXTENDED_BATCH_BYTES = 64 * 1024 * 1024

/**
 * Thrown by an `eachBatch` handler that cannot make progress before it sees the records up to
 * `throughOffset` (inclusive): the bus delivers the partition again from the batch's first offset,
 * lengthened through that offset (see the contract above).
 */
export class BatchTooShort extends Error {
  override readonly name = 'BatchTooShort'
  constructor(readonly throughOffset: string) {
    super(`the batch must run through offset ${throughOffset}`)
  }
}

export interface ConsumerRunOptions {
  groupId: string
  topics: string[]
  /** resolve to commit the batch; throw to have it delivered again (BatchTooShort: lengthened) */
  eachBatch(batch: Batch): Promise<void>
}

export interface PartitionLag {
  topic: string
  partition: number
  committedOffset: string
  highWatermark: string
  lag: number
}

export interface Consumer {
  pause(topic: string, partition: number): void
  resume(topic: string, partition: number): void
  lag(): Promise<PartitionLag[]>
  /** stop fetching, finish the batch in hand, leave the group */
  stop(): Promise<void>
}

/**
 * Where `send` puts a keyed record on one topic: the bus's own partitioning function over the
 * topic's partition count as last known.
 */
export interface KeyPartitioner {
  readonly partitions: number
  partitionOf(key: Buffer): number
}

export interface Bus {
  readonly kind: 'kafka' | 'local'
  /** create the topics (and their `.dlq` topics) if absent */
  ensureTopics(topics: string[]): Promise<void>
  send(topic: string, records: BusRecord[]): Promise<SendOutcome>
  /**
   * The partitioner `send` applies to keyed records of `topic`, so a producer can put items with
   * different keys that share a partition into one record, keyed by any one of them, and every
   * key still lands where a record of its own would (the collector: a request's traces, one
   * record per partition). Null when the topic's partitions are unknown now (absent topic, broker
   * down): the producer keys a record per item instead. Optional: a bus without it gets that.
   * The count may lag a change of the topic's partitions (Kafka: metadata is re-read every 30 s),
   * during which keys may move as they do for any Kafka client.
   */
  partitioner?(topic: string): Promise<KeyPartitioner | null>
  consume(options: ConsumerRunOptions): Promise<Consumer>
  /** true when the bus can accept writes now (for /readyz) */
  ready(): Promise<boolean>
  close(): Promise<void>
}
