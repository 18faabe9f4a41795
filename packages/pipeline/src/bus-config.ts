/**
 * Configuration of the bus: one TypeBox union, discriminated by `kind`. Services embed
 * `BusConfigSchema` in their own config schema; `openBus(config)` is the only code that looks at
 * `kind`. Every optional field has a default (annotated in the schema for the config loader, and
 * applied again by `resolveLocalBusConfig` / `resolveKafkaBusConfig`, so a hand-built config works).
 */
import { Type, type Static } from 'typebox'

const MiB = 1024 * 1024

export const LOCAL_BUS_DEFAULTS = {
  partitions: 4,
  segmentBytes: 64 * MiB,
  /** per partition, like Kafka's retention.bytes */
  retentionBytes: 1024 * MiB,
  retentionMs: 24 * 3600_000,
  retentionCheckMs: 60_000,
  groupCommitMs: 2,
  sendTimeoutMs: 10_000,
  maxRecordBytes: 4 * MiB,
  maxBatchRecords: 500,
  maxBatchBytes: 4 * MiB,
  /** a handler that throws is retried after this backoff, doubling up to maxRetryBackoffMs */
  retryBackoffMs: 100,
  maxRetryBackoffMs: 5_000,
} as const

export const KAFKA_BUS_DEFAULTS = {
  clientId: 'periscope',
  partitions: 6,
  /** -1: the broker's default.replication.factor */
  replicationFactor: -1,
  sendTimeoutMs: 10_000,
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 8_000,
  compression: 'gzip',
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  rebalanceTimeoutMs: 60_000,
  maxBatchRecords: 500,
  maxBytesPerPartition: 4 * MiB,
  maxWaitTimeMs: 500,
  retryBackoffMs: 100,
  maxRetryBackoffMs: 5_000,
} as const

const PositiveInt = (options: { default: number; description: string; minimum?: number }) =>
  Type.Optional(Type.Integer({ minimum: options.minimum ?? 1, default: options.default, description: options.description }))

export const LocalBusConfigSchema = Type.Object(
  {
    kind: Type.Literal('local'),
    dir: Type.String({ minLength: 1, description: 'directory of the log (topics, segments, committed offsets)' }),
    partitions: PositiveInt({ default: LOCAL_BUS_DEFAULTS.partitions, description: 'partitions per topic created' }),
    segmentBytes: PositiveInt({ default: LOCAL_BUS_DEFAULTS.segmentBytes, minimum: 4096, description: 'a segment rolls past this size' }),
    retentionBytes: PositiveInt({ default: LOCAL_BUS_DEFAULTS.retentionBytes, description: 'per partition; oldest segments are deleted beyond it' }),
    retentionMs: PositiveInt({ default: LOCAL_BUS_DEFAULTS.retentionMs, description: 'segments whose newest record is older are deleted' }),
    retentionCheckMs: PositiveInt({ default: LOCAL_BUS_DEFAULTS.retentionCheckMs, description: 'how often retention runs' }),
    groupCommitMs: PositiveInt({ default: LOCAL_BUS_DEFAULTS.groupCommitMs, minimum: 0, description: 'sends within this window share one fsync' }),
    sendTimeoutMs: PositiveInt({ default: LOCAL_BUS_DEFAULTS.sendTimeoutMs, description: 'send resolves retryable past this' }),
    maxRecordBytes: PositiveInt({ default: LOCAL_BUS_DEFAULTS.maxRecordBytes, description: 'larger records are refused' }),
    maxBatchRecords: PositiveInt({ default: LOCAL_BUS_DEFAULTS.maxBatchRecords, description: 'records per consumed batch' }),
    maxBatchBytes: PositiveInt({ default: LOCAL_BUS_DEFAULTS.maxBatchBytes, description: 'bytes per consumed batch (one record may exceed it)' }),
    retryBackoffMs: PositiveInt({ default: LOCAL_BUS_DEFAULTS.retryBackoffMs, description: 'first redelivery delay after a handler failed' }),
    maxRetryBackoffMs: PositiveInt({ default: LOCAL_BUS_DEFAULTS.maxRetryBackoffMs, description: 'longest redelivery delay' }),
  },
  { additionalProperties: false },
)

const SaslSchema = Type.Object(
  {
    mechanism: Type.Union([Type.Literal('plain'), Type.Literal('scram-sha-256'), Type.Literal('scram-sha-512')]),
    username: Type.String(),
    password: Type.String(),
  },
  { additionalProperties: false },
)

const SslSchema = Type.Object(
  {
    /** PEM files; absent ones fall back to the system trust store / no client certificate */
    caPath: Type.Optional(Type.String()),
    certPath: Type.Optional(Type.String()),
    keyPath: Type.Optional(Type.String()),
    rejectUnauthorized: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
)

export const KafkaBusConfigSchema = Type.Object(
  {
    kind: Type.Literal('kafka'),
    brokers: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'host:port bootstrap servers' }),
    clientId: Type.Optional(Type.String({ minLength: 1, default: KAFKA_BUS_DEFAULTS.clientId })),
    partitions: PositiveInt({ default: KAFKA_BUS_DEFAULTS.partitions, description: 'partitions of topics created by ensureTopics' }),
    replicationFactor: Type.Optional(
      Type.Integer({ minimum: -1, default: KAFKA_BUS_DEFAULTS.replicationFactor, description: '-1 = the broker default' }),
    ),
    sasl: Type.Optional(SaslSchema),
    ssl: Type.Optional(SslSchema),
    sendTimeoutMs: PositiveInt({ default: KAFKA_BUS_DEFAULTS.sendTimeoutMs, description: 'send resolves retryable past this' }),
    connectionTimeoutMs: PositiveInt({ default: KAFKA_BUS_DEFAULTS.connectionTimeoutMs, description: 'TCP/TLS connect timeout' }),
    requestTimeoutMs: PositiveInt({ default: KAFKA_BUS_DEFAULTS.requestTimeoutMs, description: 'one Kafka request' }),
    compression: Type.Optional(Type.Union([Type.Literal('gzip'), Type.Literal('none')], { default: KAFKA_BUS_DEFAULTS.compression })),
    sessionTimeoutMs: PositiveInt({ default: KAFKA_BUS_DEFAULTS.sessionTimeoutMs, description: 'a silent consumer leaves its group after this' }),
    heartbeatIntervalMs: PositiveInt({ default: KAFKA_BUS_DEFAULTS.heartbeatIntervalMs, description: 'consumer heartbeat, also during long batches' }),
    rebalanceTimeoutMs: PositiveInt({ default: KAFKA_BUS_DEFAULTS.rebalanceTimeoutMs, description: 'time members get to rejoin' }),
    maxBatchRecords: PositiveInt({ default: KAFKA_BUS_DEFAULTS.maxBatchRecords, description: 'records per batch handed to eachBatch' }),
    maxBytesPerPartition: PositiveInt({ default: KAFKA_BUS_DEFAULTS.maxBytesPerPartition, description: 'fetch size per partition' }),
    maxWaitTimeMs: PositiveInt({ default: KAFKA_BUS_DEFAULTS.maxWaitTimeMs, description: 'fetch long-poll' }),
    retryBackoffMs: PositiveInt({ default: KAFKA_BUS_DEFAULTS.retryBackoffMs, description: 'first redelivery delay after a handler failed' }),
    maxRetryBackoffMs: PositiveInt({ default: KAFKA_BUS_DEFAULTS.maxRetryBackoffMs, description: 'longest redelivery delay' }),
  },
  { additionalProperties: false },
)

export const BusConfigSchema = Type.Union([LocalBusConfigSchema, KafkaBusConfigSchema])

export type LocalBusConfig = Static<typeof LocalBusConfigSchema>
export type KafkaBusConfig = Static<typeof KafkaBusConfigSchema>
export type BusConfig = Static<typeof BusConfigSchema>

type Defaulted<C, D> = Omit<C, keyof D> & { [K in keyof D]-?: D[K] extends string ? string : D[K] extends number ? number : D[K] }

export type ResolvedLocalBusConfig = Defaulted<LocalBusConfig, typeof LOCAL_BUS_DEFAULTS>
export type ResolvedKafkaBusConfig = Defaulted<KafkaBusConfig, typeof KAFKA_BUS_DEFAULTS> & {
  compression: 'gzip' | 'none'
}

function withDefaults<T extends object>(config: T, defaults: object): T {
  const out: Record<string, unknown> = { ...defaults }
  for (const [key, value] of Object.entries(config)) if (value !== undefined) out[key] = value
  return out as T
}

export function resolveLocalBusConfig(config: LocalBusConfig): ResolvedLocalBusConfig {
  return withDefaults(config, LOCAL_BUS_DEFAULTS) as ResolvedLocalBusConfig
}

export function resolveKafkaBusConfig(config: KafkaBusConfig): ResolvedKafkaBusConfig {
  return withDefaults(config, KAFKA_BUS_DEFAULTS) as ResolvedKafkaBusConfig
}
