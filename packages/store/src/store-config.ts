/**
 * The store's configuration schema. Services compose `StoreConfigSchema` into their own config
 * (TypeBox, validated and defaulted by @periscope/runtime's loadConfig); the store never reads
 * the environment itself.
 */
import { Type, type Static } from 'typebox'

/**
 * Retention in days per table family; 0 keeps data forever. Applied by `migrate(store)` (see
 * retention.ts): each table's TTL is set with ALTER TABLE … MODIFY TTL when it differs from
 * the configured value, so changing a number and restarting the migration step is enough.
 */
export const TtlSchema = Type.Object(
  {
    tracesDays: Type.Integer({ minimum: 0, maximum: 36500, default: 7, description: 'spans and the trace index' }),
    logsDays: Type.Integer({ minimum: 0, maximum: 36500, default: 7, description: 'log records' }),
    metricsDays: Type.Integer({ minimum: 0, maximum: 36500, default: 30, description: 'metric points (all five kinds)' }),
    rollupsDays: Type.Integer({ minimum: 0, maximum: 36500, default: 90, description: 'golden-signal (minute and hour) and log-count rollups' }),
    alertHistoryDays: Type.Integer({ minimum: 0, maximum: 36500, default: 90, description: 'alert events and notification attempts' }),
  },
  { additionalProperties: false, default: {} },
)
export type Ttl = Static<typeof TtlSchema>

export const EmbeddedStoreConfigSchema = Type.Object(
  {
    mode: Type.Literal('embedded'),
    /** data directory of the in-process engine (chdb); one per process */
    path: Type.String({ minLength: 1 }),
    ttl: Type.Optional(TtlSchema),
  },
  { additionalProperties: false },
)

export const ServerStoreConfigSchema = Type.Object(
  {
    mode: Type.Literal('server'),
    /** HTTP(S) endpoint, e.g. http://clickhouse:8123 */
    url: Type.String({ minLength: 1 }),
    username: Type.Optional(Type.String()),
    password: Type.Optional(Type.String()),
    database: Type.Optional(Type.String({ minLength: 1, default: 'default' })),
    /**
     * Name of the ClickHouse cluster (remote_servers) when the schema is sharded/replicated;
     * migrations then run the cluster variant of the DDL (ON CLUSTER, Replicated*, Distributed).
     */
    cluster: Type.Optional(Type.String({ minLength: 1 })),
    requestTimeoutMs: Type.Optional(Type.Integer({ minimum: 1000, default: 60_000 })),
    maxOpenConnections: Type.Optional(Type.Integer({ minimum: 1, default: 10 })),
    ttl: Type.Optional(TtlSchema),
  },
  { additionalProperties: false },
)

export const StoreConfigSchema = Type.Union([EmbeddedStoreConfigSchema, ServerStoreConfigSchema])
export type StoreConfig = Static<typeof StoreConfigSchema>

export const DEFAULT_TTL: Ttl = Object.freeze({
  tracesDays: 7,
  logsDays: 7,
  metricsDays: 30,
  rollupsDays: 90,
  alertHistoryDays: 90,
})

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** What openStore accepts: a validated config, or one written in code with partial TTLs. */
export type StoreConfigInput = DistributiveOmit<StoreConfig, 'ttl'> & { ttl?: Partial<Ttl> }
