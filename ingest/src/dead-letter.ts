/**
 * Dead letters: a record ingest cannot turn into rows (undecodable, impossible values, no tenant,
 * an unknown record format version) goes unchanged to `<topic>.dlq` through the bus's
 * `sendToDeadLetters`, so the stream goes on and nothing is dropped silently. That helper keeps
 * key, value and headers and adds `periscope-source-topic`, `-source-partition`,
 * `-source-offset`, `periscope-tenant` and `periscope-error`; ingest's error text is
 * `<reason>: <message>`, the reason from a bounded set (it labels the dead-letter counter).
 * Dead letters are at-least-once: a batch replayed after a crash sends its dead letters again.
 */
import type { ConsumedRecord, DeadLetter } from '@periscope/pipeline'

export type DeadLetterReason = 'undecodable' | 'invalid_items' | 'no_tenant' | 'unknown_version'

export interface Poison {
  reason: DeadLetterReason
  message: string
}

export interface DeadLetterSource {
  topic: string
  partition: number
  /** the record's tenant, or the tenant ingest assumed for it ('' when none) */
  tenantId: string
}

export function deadLetterOf(record: ConsumedRecord, source: DeadLetterSource, poison: Poison): DeadLetter {
  return { topic: source.topic, partition: source.partition, record, error: `${poison.reason}: ${poison.message}`, tenant: source.tenantId }
}
