/**
 * Schema migrations: append-only SQL files packages/store/migrations/NNNN_name.sql, applied in
 * order and recorded in `schema_migrations` (one row per applied version, with the file's
 * checksum). Re-running `migrate` is a no-op; services call `assertSchemaCurrent` at start and
 * refuse to run against a schema older than their code.
 *
 * Invariants: versions are 1..N without gaps; an applied file never changes (its checksum is
 * compared on every migrate); every statement is idempotent, so a migration interrupted
 * half-way is simply run again: DDL says IF [NOT] EXISTS, and a backfill (INSERT … SELECT, e.g.
 * 0005_golden_signals_1h.sql) copies only the keys its target does not hold yet.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { toClusterStatements } from './cluster-ddl.ts'
import type { Store } from './open-store.ts'
import { applyTtl } from './retention.ts'

export interface Migration {
  version: number
  name: string
  /** statements in file order, comments removed, without the trailing ';' */
  statements: string[]
  /** sha256 of the file's text */
  checksum: string
}

export class SchemaBehindError extends Error {
  override readonly name = 'SchemaBehindError'
  readonly code = 'PERISCOPE_ERR_STORE_SCHEMA_BEHIND'
  constructor(readonly missingVersions: readonly number[]) {
    super(
      `the ClickHouse schema is behind this code: migrations ${missingVersions.join(', ')} are not applied ` +
        '(run the store migration step — migrate(store) — before starting services)',
    )
  }
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError'
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url))

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/

/** Splits a migration file into statements (see the rules at the top of 0001_signals.sql). */
export function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
  return withoutComments
    .split(/;[ \t]*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0)
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = FILE_NAME.exec(file)
      if (!match) throw new MigrationError(`migration file ${file} is not named NNNN_name.sql`)
      const text = readFileSync(`${dir}/${file}`, 'utf8')
      return {
        version: Number(match[1]),
        name: match[2]!,
        statements: splitStatements(text),
        checksum: createHash('sha256').update(text).digest('hex'),
      }
    })
    .sort((a, b) => a.version - b.version)
  migrations.forEach((migration, i) => {
    if (migration.version !== i + 1) {
      throw new MigrationError(`migration versions must be 1..N without gaps; found ${migration.version} at position ${i + 1}`)
    }
  })
  return migrations
}

const SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS schema_migrations
(
    Version UInt32,
    Name String,
    Checksum String,
    AppliedAt DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(AppliedAt)
ORDER BY Version`

async function appliedVersions(store: Store): Promise<Map<number, string>> {
  const exists = await store.client.query({
    query: 'SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = {name:String}',
    query_params: { name: 'schema_migrations' },
    format: 'JSONEachRow',
  })
  const [{ n } = { n: '0' }] = await exists.json<{ n: string }>()
  if (n === '0') return new Map()
  const result = await store.client.query({
    query: 'SELECT Version AS version, argMax(Checksum, AppliedAt) AS checksum FROM schema_migrations GROUP BY Version',
    format: 'JSONEachRow',
  })
  const rows = await result.json<{ version: number; checksum: string }>()
  return new Map(rows.map((row) => [Number(row.version), row.checksum]))
}

/** The statements to run for one migration in this store's shape. */
export function statementsFor(store: Pick<Store, 'cluster'>, migration: Migration, all: readonly Migration[]): string[] {
  if (store.cluster === undefined) return migration.statements
  return toClusterStatements(migration.statements, { cluster: store.cluster, tables: localTables(all) })
}

/** Every table any migration creates (the cluster variant renames their storage to *_local). */
export function localTables(migrations: readonly Migration[]): string[] {
  const tables: string[] = []
  for (const migration of migrations) {
    for (const statement of migration.statements) {
      const match = /^CREATE TABLE IF NOT EXISTS (\w+)/.exec(statement)
      if (match) tables.push(match[1]!)
    }
  }
  return tables
}

export interface MigrateResult {
  applied: number[]
}

/**
 * Applies every pending migration in order, then the configured TTLs (retention.ts).
 * Safe to run again at any time; concurrent runs are harmless because every statement is
 * idempotent, though one process (the all-in-one launcher or a migration job) should own it.
 */
export async function migrate(store: Store, dir: string = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = loadMigrations(dir)
  const bootstrap =
    store.cluster === undefined ? [SCHEMA_MIGRATIONS] : toClusterStatements([SCHEMA_MIGRATIONS], { cluster: store.cluster, tables: [], replicatedOnly: true })
  for (const query of bootstrap) await store.client.command({ query })
  const applied = await appliedVersions(store)
  const done: number[] = []
  for (const migration of migrations) {
    const checksum = applied.get(migration.version)
    if (checksum !== undefined) {
      if (checksum !== migration.checksum) {
        throw new MigrationError(
          `migration ${migration.version}_${migration.name} was changed after it was applied; migrations are append-only — add a new file instead`,
        )
      }
      continue
    }
    for (const query of statementsFor(store, migration, migrations)) {
      try {
        await store.client.command({ query })
      } catch (error) {
        throw new MigrationError(`migration ${migration.version}_${migration.name} failed: ${(error as Error).message}\n${query}`, { cause: error })
      }
    }
    await store.insert('schema_migrations', [{ Version: migration.version, Name: migration.name, Checksum: migration.checksum }])
    done.push(migration.version)
  }
  await applyTtl(store)
  return { applied: done }
}

/** Throws SchemaBehindError naming every migration this code knows that the store lacks. */
export async function assertSchemaCurrent(store: Store, dir: string = MIGRATIONS_DIR): Promise<void> {
  const migrations = loadMigrations(dir)
  const applied = await appliedVersions(store)
  const missing = migrations.filter((m) => !applied.has(m.version)).map((m) => m.version)
  if (missing.length > 0) throw new SchemaBehindError(missing)
}
