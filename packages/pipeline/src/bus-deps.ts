/**
 * What a bus needs from its host process: a logger and a place to count. Both are passed in
 * (no singletons); `createBusCounters` gives the in-memory default, which the host can read and
 * export to /metrics. Counter names are fixed and carry no labels, so they stay bounded.
 */
import type { Logger } from 'pino'
import { pino } from 'pino'

export type BusCounterName =
  /** records durably accepted by send */
  | 'records_sent'
  /** send calls that resolved retryable (timeout, bus down, unknown topic, disk error) */
  | 'sends_retryable'
  /** send calls that resolved failure (record too large, invalid record) */
  | 'sends_failed'
  /** records handed to eachBatch */
  | 'records_consumed'
  /** eachBatch calls that threw; their batch is delivered again */
  | 'batches_failed'
  /** batches delivered again lengthened, because their handler threw BatchTooShort */
  | 'batches_lengthened'
  /** Kafka: consumers rebuilt after kafkajs crashed without restarting itself (e.g. evicted member) */
  | 'consumer_restarts'
  /** records published to a dead-letter topic */
  | 'dead_letters'
  /** local log: torn or corrupt tails cut back on open */
  | 'corrupt_tails_truncated'
  /** local log: bytes removed by those cuts */
  | 'corrupt_bytes_truncated'
  /** local log: corrupt records found while reading a sealed segment; the rest of it is skipped */
  | 'corrupt_segments_skipped'
  /** local log: records a group never got: deleted by retention, or behind a corrupt record */
  | 'records_skipped_unconsumed'
  /** local log: segments deleted by retention */
  | 'segments_deleted'
  /** local log: fdatasync calls that made appends durable (group commit: far fewer than sends) */
  | 'log_syncs'

export interface BusCounters {
  add(name: BusCounterName, by?: number): void
  get(name: BusCounterName): number
  snapshot(): Partial<Record<BusCounterName, number>>
}

export interface BusDeps {
  logger?: Logger
  counters?: BusCounters
}

export interface ResolvedBusDeps {
  logger: Logger
  counters: BusCounters
}

export function createBusCounters(): BusCounters {
  const values = new Map<BusCounterName, number>()
  return {
    add(name, by = 1) {
      values.set(name, (values.get(name) ?? 0) + by)
    },
    get(name) {
      return values.get(name) ?? 0
    },
    snapshot() {
      return Object.fromEntries(values) as Partial<Record<BusCounterName, number>>
    },
  }
}

export function resolveBusDeps(deps: BusDeps | undefined): ResolvedBusDeps {
  return {
    logger: deps?.logger ?? pino({ name: 'periscope-bus' }),
    counters: deps?.counters ?? createBusCounters(),
  }
}

/**
 * The bus's counters as one Prometheus counter, `periscope_bus_events_total{event="<name>"}`, for a
 * host's self metrics: `metrics.counts(busEventsMetric(counters))` (@periscope/runtime).
 */
export function busEventsMetric(counters: BusCounters): { name: string; help: string; labelName: 'event'; read: () => Partial<Record<BusCounterName, number>> } {
  return {
    name: 'periscope_bus_events_total',
    help: 'bus events by name: records sent and consumed, failed sends and batches, lengthened batches, consumer restarts, dead letters, local log repairs and syncs',
    labelName: 'event',
    read: () => counters.snapshot(),
  }
}
