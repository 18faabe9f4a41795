/**
 * Dead letters: a record ingest cannot turn into rows (undecodable, impossible values, no tenant)
 * is written unchanged to `<topic>.dlq` so the stream goes on and nothing is dropped silently.
 *
 * Format of a dead letter (a BusRecord on `deadLetterTopic(topic)`):
 * - key and value: the original record's, byte for byte, so a fixed ingest can replay it;
 * - headers: the original headers, plus
 *   `periscope-tenant`          the tenant (the original header, or the tenant ingest assumed),
 *   `periscope-source-topic`     the topic it was read from,
 *   `periscope-source-partition` its partition (decimal),
 *   `periscope-source-offset`    its offset (decimal),
 *   `periscope-error`            `<reason>: <message>`, at most MAX_ERROR_CHARS characters.
 * Dead letters are at-least-once: a batch replayed after a crash sends its dead letters again.
 */
import { HEADERS, type BusRecord, type ConsumedRecord } from '@periscope/pipeline'

/** Bounded set of reasons: they label the dead-letter counter. */
export type DeadLetterReason = 'undecodable' | 'invalid_items' | 'no_tenant' | 'unknown_version'

export interface Poison {
  reason: DeadLetterReason
  message: string
}

export const MAX_ERROR_CHARS = 1024

export interface DeadLetterSource {
  topic: string
  partition: number
  tenantId: string
}

export function deadLetterRecord(record: ConsumedRecord, source: DeadLetterSource, poison: Poison): BusRecord {
  const error = `${poison.reason}: ${poison.message}`
  return {
    key: record.key,
    value: record.value,
    headers: {
      ...record.headers,
      [HEADERS.tenant]: source.tenantId,
      [HEADERS.sourceTopic]: source.topic,
      [HEADERS.sourcePartition]: String(source.partition),
      [HEADERS.sourceOffset]: record.offset,
      [HEADERS.error]: error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS - 1)}…` : error,
    },
  }
}
