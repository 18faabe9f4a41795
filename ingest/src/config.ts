/**
 * Ingest's configuration: schema defaults < file (PERISCOPE_INGEST_CONFIG_FILE, YAML or JSON) <
 * environment (PERISCOPE_INGEST_<SECTION>_<KEY>, e.g. PERISCOPE_INGEST_BATCH_MAX_ROWS=20000,
 * PERISCOPE_INGEST_BUS_KIND=kafka, PERISCOPE_INGEST_BUS_BROKERS=k1:9092,k2:9092).
 *
 * Sizing: inserts are cut at batch.maxRows rows, but one insert never spans two bus batches (the
 * bus commits per batch), so size the bus's batches (bus.maxBatchRecords, bus.maxBatchBytes /
 * maxBytesPerPartition) to hold at least batch.maxRows rows, or inserts will be smaller.
 * Validated and frozen by @periscope/runtime's loadConfig; every violation is listed at once.
 * This is the only ingest file that reads process.env.
 */
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { loadConfig, type DeepPartial } from '@periscope/runtime'
import { KafkaBusConfigSchema, LocalBusConfigSchema } from '@periscope/pipeline'
import { StoreConfigSchema } from '@periscope/store'

const MiB = 1 << 20

/**
 * Records per bus batch for ingest. The collector writes a request's traces for one partition as
 * one record (hundreds of spans), so its batches are bounded by bytes (maxBatchBytes /
 * maxBytesPerPartition, 4 MiB ≈ 13k spans) long before records; other producers (an OpenTelemetry
 * Collector's Kafka exporter) may write a record per small export, where the bus's own default
 * (500) could cap an insert below batch.maxRows (one insert never spans two bus batches). So
 * ingest's bus schema defaults it to 1000; an explicit value still wins.
 */
export const INGEST_BUS_MAX_BATCH_RECORDS = 1000
const busMaxBatchRecords = Type.Optional(
  Type.Integer({ minimum: 1, default: INGEST_BUS_MAX_BATCH_RECORDS, description: 'records per consumed batch (ingest default: 1000)' }),
)
/** The bus union with ingest's maxBatchRecords default on both kinds. */
export const IngestBusConfigSchema = Type.Union([
  Type.Object({ ...LocalBusConfigSchema.properties, maxBatchRecords: busMaxBatchRecords }, { additionalProperties: false }),
  Type.Object({ ...KafkaBusConfigSchema.properties, maxBatchRecords: busMaxBatchRecords }, { additionalProperties: false }),
])

/** Variables under PERISCOPE_INGEST_ that are not ingest settings (the file path; the agent's/launcher's ingest key). */
const IGNORED_ENV = ['PERISCOPE_INGEST_CONFIG_FILE', 'PERISCOPE_INGEST_KEY'] as const // [0] is FILE_VARIABLE

export const SignalSchema = Type.Union([Type.Literal('traces'), Type.Literal('logs'), Type.Literal('metrics')])

export const BatchSchema = Type.Object(
  {
    maxRows: Type.Integer({ minimum: 1, default: 10_000, description: 'an insert goes at once when it holds this many rows' }),
    maxBytes: Type.Integer({ minimum: 1024, default: 16 * MiB, description: 'an insert goes at once when its records hold this many encoded bytes' }),
    minInsertIntervalMs: Type.Integer({
      minimum: 0,
      maximum: 60_000,
      default: 1000,
      description: 'least time between two inserts of one partition, unless the insert is full',
    }),
  },
  { additionalProperties: false, default: {} },
)

/** What build() reads; main.ts adds the bus, the store, HTTP and logging around it. */
const settingsProperties = {
  signals: Type.Array(SignalSchema, { minItems: 1, uniqueItems: true, default: ['traces', 'logs', 'metrics'], description: 'one consumer group per signal' }),
  membersPerGroup: Type.Integer({
    minimum: 1,
    maximum: 64,
    default: 2,
    description: 'consumer-group members per signal in this process; with more than one, decoding one partition overlaps inserting another',
  }),
  groupIdPrefix: Type.String({ minLength: 1, default: 'periscope-ingest', description: 'consumer groups are <prefix>-<signal>' }),
  defaultTenantId: Type.String({
    default: 'default',
    description: "tenant of records without a periscope-tenant header (e.g. from an OpenTelemetry Collector); '' sends them to the dead-letter topic",
  }),
  batch: BatchSchema,
  maxPendingBytes: Type.Integer({ minimum: MiB, default: 256 * MiB, description: 'encoded bytes of the batches held at once; past it partitions are paused' }),
  retry: Type.Object(
    {
      initialDelayMs: Type.Integer({ minimum: 1, default: 100 }),
      maxDelayMs: Type.Integer({ minimum: 1, default: 30_000 }),
    },
    { additionalProperties: false, default: {} },
  ),
  maxIncompleteReplays: Type.Integer({
    minimum: 1,
    default: 5,
    description: 'deliveries of a replayed batch that ends inside a planned range before it is written as it is (may duplicate rows)',
  }),
  stopGraceMs: Type.Integer({ minimum: 0, default: 10_000, description: 'time given to batches in hand at stop before their retries are abandoned' }),
}

export const IngestSettingsSchema = Type.Object(settingsProperties, { additionalProperties: false, default: {} })

export const IngestConfigSchema = Type.Object(
  {
    ...settingsProperties,
    bus: IngestBusConfigSchema,
    store: StoreConfigSchema,
    http: Type.Object(
      {
        host: Type.String({ default: '0.0.0.0' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8081, description: '/healthz, /readyz, /metrics' }),
      },
      { additionalProperties: false, default: {} },
    ),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info' },
    ),
    shutdownTimeoutMs: Type.Integer({ minimum: 1000, default: 30_000 }),
  },
  { additionalProperties: false },
)

export type IngestConfig = Static<typeof IngestConfigSchema>
/** What build() needs: bus and store are passed in already open. */
export type IngestSettings = Static<typeof IngestSettingsSchema>
/** What build() accepts: any part of the settings, the rest from the schema defaults. */
export type IngestSettingsInput = DeepPartial<IngestSettings>

/** Fills defaults and validates; throws listing every violation (a caller bug when embedding). */
export function resolveSettings(input: IngestSettingsInput): IngestSettings {
  const settings = Value.Default(IngestSettingsSchema, structuredClone(input)) as IngestSettings
  if (!Value.Check(IngestSettingsSchema, settings)) {
    const problems = [...Value.Errors(IngestSettingsSchema, settings)].map((e) => `${e.instancePath || '/'} ${e.message}`)
    throw new Error(`invalid ingest settings: ${problems.join('; ')}`)
  }
  return settings
}

const FILE_VARIABLE = 'PERISCOPE_INGEST_CONFIG_FILE'

/** The settings part of a full config, for build(). */
export function settingsOf(config: IngestConfig): IngestSettings {
  const { bus: _bus, store: _store, http: _http, logLevel: _logLevel, shutdownTimeoutMs: _timeout, ...settings } = config
  return settings
}

export function warnings(config: IngestConfig): string[] {
  const out: string[] = []
  const s = config
  if (s.retry.maxDelayMs < s.retry.initialDelayMs) {
    out.push(`retry.maxDelayMs (${s.retry.maxDelayMs}) is below retry.initialDelayMs (${s.retry.initialDelayMs}); every retry waits at most maxDelayMs`)
  }
  if (s.maxPendingBytes < 2 * s.batch.maxBytes) {
    out.push(
      `maxPendingBytes (${s.maxPendingBytes}) holds fewer than two full batches of batch.maxBytes (${s.batch.maxBytes}); ` +
        'partitions will take turns — consider raising maxPendingBytes',
    )
  }
  if (s.stopGraceMs >= config.shutdownTimeoutMs) {
    out.push(`stopGraceMs (${s.stopGraceMs}) is not below shutdownTimeoutMs (${config.shutdownTimeoutMs}); the bus and store may not be closed cleanly`)
  }
  return out
}

export function loadIngestConfig(env: Readonly<Record<string, string | undefined>> = process.env): IngestConfig {
  return loadConfig(IngestConfigSchema, {
    env,
    envPrefix: 'PERISCOPE_INGEST',
    file: env[FILE_VARIABLE],
    ignoreEnv: IGNORED_ENV,
    warnings,
  })
}
