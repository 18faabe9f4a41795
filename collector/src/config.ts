/**
 * The collector's configuration: schema defaults < file (PERISCOPE_COLLECTOR_CONFIG_FILE, YAML or
 * JSON) < environment (PERISCOPE_COLLECTOR_<SECTION>_<KEY>, e.g. PERISCOPE_COLLECTOR_HTTP_PORT,
 * PERISCOPE_COLLECTOR_LIMITS_TENANTS='{"acme":{"bytesPerSecond":1e7,...}}'). Validated and frozen
 * by @periscope/runtime's loadConfig; every violation is listed at once.
 * This is the only collector file that reads process.env.
 */
import { Type, type Static } from 'typebox'
import { loadConfig } from '@periscope/runtime'
import { BusConfigSchema } from '@periscope/pipeline'
import { StoreConfigSchema } from '@periscope/store'
import { MAX_KEY_TTL_MS } from './tenants/tenant-resolver.ts'

const MiB = 1 << 20

export const RateLimitSchema = Type.Object(
  {
    bytesPerSecond: Type.Number({ exclusiveMinimum: 0, description: 'uncompressed request bytes per second' }),
    itemsPerSecond: Type.Number({ exclusiveMinimum: 0, description: 'spans, log records and data points per second' }),
    burstSeconds: Type.Number({ exclusiveMinimum: 0, default: 2, description: 'bucket size as seconds of the rate' }),
  },
  { additionalProperties: false },
)

export const HttpSchema = Type.Object(
  {
    host: Type.String({ default: '0.0.0.0' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 4318 }),
    maxBodyBytes: Type.Integer({
      minimum: 1024,
      maximum: 256 * MiB,
      default: 16 * MiB,
      description: 'largest accepted body, on the wire and again after gzip inflation',
    }),
    maxInflightBytes: Type.Integer({
      minimum: 1024,
      default: 256 * MiB,
      description: 'bodies held by requests in progress, all tenants together; past it new requests get 503',
    }),
  },
  { additionalProperties: false, default: {} },
)

export const LimitsSchema = Type.Object(
  {
    defaults: Type.Object(
      {
        bytesPerSecond: Type.Number({ exclusiveMinimum: 0, default: 32 * MiB }),
        itemsPerSecond: Type.Number({ exclusiveMinimum: 0, default: 100_000 }),
        burstSeconds: Type.Number({ exclusiveMinimum: 0, default: 2 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** per-tenant limits replacing the defaults, by tenant id */
    tenants: Type.Record(Type.String(), RateLimitSchema, { default: {} }),
    maxTrackedTenants: Type.Integer({ minimum: 1, default: 10_000 }),
  },
  { additionalProperties: false, default: {} },
)

export const ItemsSchema = Type.Object(
  {
    maxAttributes: Type.Integer({ minimum: 1, default: 128, description: 'entries per attribute list, array or kvlist' }),
    maxAttributeValueBytes: Type.Integer({ minimum: 16, default: 16 * 1024 }),
    maxLogBodyBytes: Type.Integer({ minimum: 16, default: 64 * 1024 }),
    onLimit: Type.Union([Type.Literal('truncate'), Type.Literal('reject')], { default: 'truncate' }),
    maxAgeMs: Type.Integer({ minimum: 60_000, default: 7 * 24 * 3600_000, description: 'oldest accepted item time' }),
    maxFutureMs: Type.Integer({ minimum: 0, default: 3600_000, description: 'clock skew allowed into the future' }),
  },
  { additionalProperties: false, default: {} },
)

export const KeysSchema = Type.Object(
  {
    cacheTtlMs: Type.Integer({ minimum: 1, maximum: MAX_KEY_TTL_MS, default: 30_000, description: 'a revoked key works at most this long' }),
    negativeCacheTtlMs: Type.Integer({ minimum: 0, maximum: MAX_KEY_TTL_MS, default: 5_000 }),
    cacheMaxEntries: Type.Integer({ minimum: 1, default: 10_000 }),
  },
  { additionalProperties: false, default: {} },
)

export const CollectorConfigSchema = Type.Object(
  {
    http: HttpSchema,
    limits: LimitsSchema,
    items: ItemsSchema,
    keys: KeysSchema,
    bus: BusConfigSchema,
    store: StoreConfigSchema,
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info' },
    ),
    shutdownTimeoutMs: Type.Integer({ minimum: 1000, default: 30_000 }),
  },
  { additionalProperties: false },
)

export type CollectorConfig = Static<typeof CollectorConfigSchema>
export type RateLimitConfig = Static<typeof RateLimitSchema>
/** The part of the config the HTTP app uses (bus and store are passed in already open). */
export type AppConfig = Pick<CollectorConfig, 'http' | 'limits' | 'items' | 'keys'>

const FILE_VARIABLE = 'PERISCOPE_COLLECTOR_CONFIG_FILE'

function warnings(config: CollectorConfig): string[] {
  const out: string[] = []
  if (config.limits.defaults.bytesPerSecond * config.limits.defaults.burstSeconds < config.http.maxBodyBytes) {
    out.push(
      `limits.defaults: a burst of ${config.limits.defaults.bytesPerSecond * config.limits.defaults.burstSeconds} bytes is below ` +
        `http.maxBodyBytes (${config.http.maxBodyBytes}); a full-size request only passes from a full bucket — ` +
        'consider raising limits.defaults.bytesPerSecond or burstSeconds',
    )
  }
  return out
}

export function loadCollectorConfig(env: Readonly<Record<string, string | undefined>> = process.env): CollectorConfig {
  return loadConfig(CollectorConfigSchema, {
    env,
    envPrefix: 'PERISCOPE_COLLECTOR',
    file: env[FILE_VARIABLE],
    ignoreEnv: [FILE_VARIABLE],
    warnings,
  })
}
