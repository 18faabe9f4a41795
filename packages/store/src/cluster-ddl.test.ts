import { describe, expect, it } from 'vitest'
import { toClusterStatement, toClusterStatements } from './cluster-ddl.ts'
import { loadMigrations, localTables } from './migrations.ts'

describe('cluster DDL', () => {
  const migrations = loadMigrations()
  const tables = localTables(migrations)
  const options = { cluster: '{cluster}', tables }

  it('generates the whole cluster schema from the migration files (snapshot)', async () => {
    const text = migrations
      .map((m) => `-- ${String(m.version).padStart(4, '0')}_${m.name}\n` + toClusterStatements(m.statements, options).map((s) => `${s};\n`).join('\n'))
      .join('\n')
    await expect(text).toMatchFileSnapshot('./__snapshots__/cluster-schema.sql')
  })

  it('replicates every table, puts a Distributed table under its name, and points views at local tables', () => {
    const statements = migrations.flatMap((m) => toClusterStatements(m.statements, options))
    for (const table of tables) {
      const local = statements.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${table}_local ON CLUSTER '{cluster}'`))
      expect(local, table).toMatch(/ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/\{table\}', '\{replica\}'/)
      const distributed = statements.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${table} ON CLUSTER '{cluster}' AS ${table}_local`))
      expect(distributed, table).toContain(`ENGINE = Distributed('{cluster}', currentDatabase(), ${table}_local, `)
    }
    const views = statements.filter((s) => s.startsWith('CREATE MATERIALIZED VIEW'))
    expect(views.length).toBeGreaterThan(0)
    for (const view of views) {
      expect(view).toMatch(/ON CLUSTER '\{cluster\}' TO \w+_local AS/)
      expect(view).toMatch(/FROM \w+_local\b/)
    }
  })

  it('keeps a trace on one shard and all versions of a config row on one shard', () => {
    const statements = migrations.flatMap((m) => toClusterStatements(m.statements, options))
    expect(statements.find((s) => s.startsWith('CREATE TABLE IF NOT EXISTS otel_traces ON CLUSTER'))).toContain('cityHash64(TraceId))')
    expect(statements.find((s) => s.startsWith('CREATE TABLE IF NOT EXISTS api_keys ON CLUSTER'))).toContain('cityHash64(TenantId))')
    expect(statements.find((s) => s.startsWith('CREATE TABLE IF NOT EXISTS api_keys_local'))).toContain(
      "ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', Version, Deleted)",
    )
  })

  it('alters columns on both tables and everything else on the local one only', () => {
    expect(toClusterStatement('ALTER TABLE otel_logs ADD COLUMN IF NOT EXISTS X String', options)).toEqual([
      "ALTER TABLE otel_logs_local ON CLUSTER '{cluster}' ADD COLUMN IF NOT EXISTS X String",
      "ALTER TABLE otel_logs ON CLUSTER '{cluster}' ADD COLUMN IF NOT EXISTS X String",
    ])
    expect(toClusterStatement('ALTER TABLE otel_logs MODIFY TTL toDateTime(Timestamp) + toIntervalDay(3)', options)).toEqual([
      "ALTER TABLE otel_logs_local ON CLUSTER '{cluster}' MODIFY TTL toDateTime(Timestamp) + toIntervalDay(3)",
    ])
  })

  it('runs a backfill once, unchanged, through the Distributed tables', () => {
    const backfill = 'INSERT INTO golden_signals_1h (TenantId) SELECT TenantId FROM golden_signals_1m'
    expect(toClusterStatement(backfill, options)).toEqual([backfill])
  })

  it('refuses statements it cannot translate', () => {
    expect(() => toClusterStatement('DROP TABLE otel_logs', options)).toThrow(/unsupported migration statement/)
  })
})
