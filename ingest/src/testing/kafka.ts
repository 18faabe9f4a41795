/**
 * The Kafka bus configuration of ingest's Kafka tests: the broker the integration global setup
 * provides. `shortSession` is for lives that will be killed: a restarted member then waits only
 * that long for the killed one to be evicted. A member that must finish keeps Kafka's usual 30 s,
 * so a loaded machine (a slow heartbeat) does not get it evicted in the middle of its work.
 */
import { inject } from 'vitest'
import type { BusConfig } from '@periscope/pipeline'

export function kafkaBusConfig(clientId: string, options: { shortSession?: boolean } = {}): BusConfig {
  return {
    kind: 'kafka',
    brokers: inject('kafkaBrokers').split(','),
    clientId,
    partitions: 3,
    sessionTimeoutMs: options.shortSession ? 6_000 : 30_000,
    heartbeatIntervalMs: options.shortSession ? 500 : 3_000,
    rebalanceTimeoutMs: options.shortSession ? 10_000 : 60_000,
    maxBatchRecords: 1000,
    retryBackoffMs: 50,
    maxRetryBackoffMs: 500,
  }
}
