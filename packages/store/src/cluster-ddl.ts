/**
 * The cluster variant of the schema, generated from the same migration statements (pure).
 *
 * For a sharded, replicated ClickHouse cluster every table `t` of the migrations becomes:
 * - `t_local`: the storage, `ON CLUSTER`, engine Replicated<Engine> with the `{shard}` and
 *   `{replica}` macros of each host;
 * - `t`: a Distributed table over `t_local` with the same columns, so every query and every
 *   insert names the same tables in both shapes.
 * Materialized views read and write the local tables (each shard aggregates its own rows; the
 * query side sums partial aggregates through the Distributed tables). Spans are sharded by
 * TraceId so a trace lives on one shard and the trace index stays exact; replacing tables by
 * TenantId so all versions of a row meet on one shard; everything else at random.
 * ALTERs of columns apply to both tables; other ALTERs (TTL, indexes, settings) to the local one.
 * A backfill (`INSERT INTO t … SELECT … FROM u`) runs once, unchanged, from the migrating client:
 * it names the Distributed tables, so it reads every shard and its rows are spread like any insert.
 */

export interface ClusterOptions {
  /** cluster name from remote_servers, e.g. 'periscope' or the '{cluster}' macro */
  cluster: string
  /** every table created by the migrations (their storage becomes `<name>_local`) */
  tables: readonly string[]
  /** replicated on every host of the cluster, not sharded, no Distributed table (schema_migrations) */
  replicatedOnly?: boolean
}

const SHARDING_KEYS: Readonly<Record<string, string>> = {
  otel_traces: 'cityHash64(TraceId)',
}

const CREATE_TABLE = /^CREATE TABLE IF NOT EXISTS (\w+)\s*\(/
const ENGINE = /ENGINE = (\w*MergeTree)(?:\(([^)]*)\))?/
const CREATE_MV = /^CREATE MATERIALIZED VIEW IF NOT EXISTS (\w+)\s+TO (\w+)\s+AS\s/
const ALTER_TABLE = /^ALTER TABLE (\w+)\s+([\s\S]*)$/
const COLUMN_ALTER = /^\s*(ADD|DROP|MODIFY|RENAME|COMMENT|CLEAR)\s+COLUMN\b/i
const INSERT_SELECT = /^INSERT INTO \w+\s*(?:\([^)]*\))?\s*SELECT\s/

function quoteCluster(cluster: string): string {
  return "'" + cluster.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'"
}

export function localName(table: string): string {
  return `${table}_local`
}

/** Replaces whole-word references to migration tables by their local tables. */
function toLocalReferences(sql: string, tables: readonly string[]): string {
  if (tables.length === 0) return sql
  const pattern = new RegExp(`\\b(${tables.join('|')})\\b(?!\\.)`, 'g')
  return sql.replace(pattern, (name) => localName(name))
}

function replicatedEngine(statement: string, table: string, replicatedOnly: boolean): string {
  const match = ENGINE.exec(statement)
  if (!match) throw new Error(`cluster DDL: table ${table} has no MergeTree-family engine`)
  const [whole, engine, args] = match
  const path = replicatedOnly ? "'/clickhouse/tables/all/{database}/{table}'" : "'/clickhouse/tables/{shard}/{database}/{table}'"
  const engineArgs = [path, "'{replica}'", ...(args?.trim() ? [args.trim()] : [])].join(', ')
  return statement.replace(whole!, `ENGINE = Replicated${engine}(${engineArgs})`)
}

function shardingKey(table: string, statement: string): string {
  const explicit = SHARDING_KEYS[table]
  if (explicit) return explicit
  if (/ENGINE = \w*Replacing\w*MergeTree/.test(statement)) return 'cityHash64(TenantId)'
  return 'rand()'
}

/** The cluster statements for one unreplicated statement of a migration. */
export function toClusterStatement(statement: string, options: ClusterOptions): string[] {
  const onCluster = `ON CLUSTER ${quoteCluster(options.cluster)}`
  const createTable = CREATE_TABLE.exec(statement)
  if (createTable) {
    const table = createTable[1]!
    if (options.replicatedOnly) {
      return [replicatedEngine(statement.replace(CREATE_TABLE, `CREATE TABLE IF NOT EXISTS ${table} ${onCluster}\n(`), table, true)]
    }
    const local = localName(table)
    const localDdl = replicatedEngine(statement.replace(CREATE_TABLE, `CREATE TABLE IF NOT EXISTS ${local} ${onCluster}\n(`), table, false)
    const distributed =
      `CREATE TABLE IF NOT EXISTS ${table} ${onCluster} AS ${local}\n` +
      `ENGINE = Distributed(${quoteCluster(options.cluster)}, currentDatabase(), ${local}, ${shardingKey(table, statement)})`
    return [localDdl, distributed]
  }
  const createMv = CREATE_MV.exec(statement)
  if (createMv) {
    const [head, view, target] = createMv
    const body = statement.slice(head!.length)
    return [`CREATE MATERIALIZED VIEW IF NOT EXISTS ${view} ${onCluster} TO ${localName(target!)} AS ${toLocalReferences(body, options.tables)}`]
  }
  const alter = ALTER_TABLE.exec(statement)
  if (alter) {
    const [, table, operations] = alter
    const local = `ALTER TABLE ${localName(table!)} ${onCluster} ${operations}`
    if (COLUMN_ALTER.test(operations!)) return [local, `ALTER TABLE ${table} ${onCluster} ${operations}`]
    return [local]
  }
  if (INSERT_SELECT.test(statement)) return [statement]
  throw new Error(`cluster DDL: unsupported migration statement (see the rules in 0001_signals.sql): ${statement.slice(0, 80)}`)
}

export function toClusterStatements(statements: readonly string[], options: ClusterOptions): string[] {
  return statements.flatMap((statement) => toClusterStatement(statement, options))
}
