export { openStore, StoreInsertError, CLIENT_SETTINGS, quoteIdentifier, stringLiteral } from './open-store.ts'
export type { Store, InsertOptions } from './open-store.ts'
export { StoreConfigSchema, EmbeddedStoreConfigSchema, ServerStoreConfigSchema, TtlSchema, DEFAULT_TTL } from './store-config.ts'
export type { StoreConfig, StoreConfigInput, Ttl } from './store-config.ts'
export { migrate, assertSchemaCurrent, loadMigrations, SchemaBehindError, MigrationError, MIGRATIONS_DIR } from './migrations.ts'
export type { Migration, MigrateResult } from './migrations.ts'
export { toClusterStatements, toClusterStatement } from './cluster-ddl.ts'
export { applyTtl, TTL_RULES } from './retention.ts'
export { compileBatchSerializer, compileInsertSerializer, compileRowSerializer, nsToDecimalSeconds } from './json-each-row.ts'
export type { ColumnSpec, BatchSerializer, InsertSerializer } from './json-each-row.ts'
export {
  LATENCY_BUCKET_SQL,
  LATENCY_BUCKET_BASE,
  latencyBucketSql,
  latencyBucketOf,
  latencyBucketUpperNs,
  latencyBucketLowerNs,
  quantileFromBuckets,
  mergeHistograms,
} from './latency-buckets.ts'
export type { LatencyHistogram } from './latency-buckets.ts'
export { DERIVED_TABLES, CONFIG_TABLES } from './tables.ts'
export type {
  ConfigTableName,
  TenantRow,
  ApiKeyRow,
  QueryTokenRow,
  QueryTokenRole,
  SloRow,
  AlertRuleRow,
  ChannelRow,
  AlertStateRow,
  AlertEventRow,
  NotificationRow,
  DashboardRow,
} from './tables.ts'
export { MigrateConfigSchema, loadMigrateConfig } from './config.ts'
export type { MigrateConfig } from './config.ts'
