/**
 * The Kafka bus configuration of ingest's Kafka tests: the broker the integration global setup
 * provides, and a short session so a restarted member does not wait long for a killed one to
 * be evicted from the group.
 */
import { inject } from 'vitest'
import type { BusConfig } from '@periscope/pipeline'

export function kafkaBusConfig(clientId: string): BusConfig {
  return {
    kind: 'kafka',
    brokers: inject('kafkaBrokers').split(','),
    clientId,
    partitions: 3,
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 500,
    rebalanceTimeoutMs: 10_000,
    maxBatchRecords: 1000,
    retryBackoffMs: 50,
    maxRetryBackoffMs: 500,
  }
}
