/**
 * Compare-and-set on versioned ClickHouse rows, for evaluator replicas that share one store.
 *
 * ClickHouse has no transactions and no conditional insert. What it has is insert
 * deduplication: an insert whose insert_deduplication_token equals one of the last
 * `non_replicated_deduplication_window` (1000) tokens of the table is dropped whole, and that
 * check and the commit of the part happen atomically (on a replicated table the block id is a
 * Keeper node created in the same multi-op as the part). So:
 *
 *   write(version = previous + 1) := INSERT the row with token = hash(table, tenant, key, version)
 *   winner(version)               := SELECT the rows of that key and version,
 *                                    the first by (InsertedAt, Writer) — InsertedAt is a
 *                                    server-side now64() default
 *
 * Two writers that read the same previous version and race for the next one insert the same
 * token: exactly one row lands, both read it back, and exactly one sees itself as the writer.
 * The loser does nothing; on its next evaluation it reads the winner's row. If a writer stalls
 * past the deduplication window (over 1000 inserts into the table between its read and its
 * insert — hours at the evaluator's write rates) both rows land; the earlier insert still wins
 * the read-back (its InsertedAt is smaller, and the earlier writer, reading before the later
 * row existed, saw only itself), so there is still one winner. Readers of the current state use
 * the same order (latestQuery: highest Version, then InsertedAt, then Writer).
 *
 * Background merges keep only a key's highest version; should one collapse version v away
 * between a writer's insert and its read-back (which needs version v + 1 to exist already, i.e.
 * a whole further transition within milliseconds), the writer finds no row and counts itself
 * the loser: the rule errs towards a missed notification, never a second one.
 *
 * Versions are per key and count up from 1; the token makes a retried insert of the same
 * version harmless. On a replicated cluster a read-back may be served by a replica that has not
 * fetched the winning part yet: run the evaluator against ClickHouse with
 * select_sequential_consistency (insert_quorum) for these tables, or pin it to one replica.
 */
import { createHash } from 'node:crypto'
import type { Store } from '@periscope/store'
import type { QueryRunner, SqlQuery } from '../sql/query-runner.ts'

export type CasTable = 'alert_state' | 'alert_leases'

/** Key columns and the writer column of each table; fixed names, never input. */
export const CAS_TABLES: Readonly<Record<CasTable, { readonly keys: readonly string[]; readonly writer: string }>> = {
  alert_state: { keys: ['RuleId', 'AlertKey'], writer: 'Writer' },
  alert_leases: { keys: ['LeaseKey'], writer: 'Holder' },
}

export interface CasWrite {
  readonly table: CasTable
  readonly tenantId: string
  /** values of CAS_TABLES[table].keys, in order */
  readonly key: readonly string[]
  /** the version this write creates: the version read + 1 (1 for a new key) */
  readonly version: number
  readonly writer: string
  /** the row's other columns */
  readonly columns: Readonly<Record<string, unknown>>
}

export interface CasDeps {
  readonly store: Pick<Store, 'insert'>
  readonly runner: QueryRunner
}

export function casToken(table: CasTable, tenantId: string, key: readonly string[], version: number): string {
  return `cas:${createHash('sha256').update(JSON.stringify([table, tenantId, ...key, version])).digest('hex')}`
}

function keyFilter(table: CasTable): string {
  return CAS_TABLES[table].keys.map((column, i) => `${column} = {k${i}:String}`).join(' AND ')
}

function keyParams(table: CasTable, key: readonly string[]): Record<string, string> {
  const columns = CAS_TABLES[table].keys
  if (key.length !== columns.length) throw new Error(`${table} is keyed by ${columns.join(', ')}, got ${key.length} values`)
  return Object.fromEntries(key.map((value, i) => [`k${i}`, value]))
}

/** Writes `version` unless another writer got there first; true when this writer's row won. */
export async function compareAndSet(deps: CasDeps, write: CasWrite): Promise<boolean> {
  const spec = CAS_TABLES[write.table]
  if (!(Number.isInteger(write.version) && write.version >= 1)) throw new Error(`versions count from 1, got ${write.version}`)
  const row: Record<string, unknown> = { ...write.columns, TenantId: write.tenantId, Version: BigInt(write.version), [spec.writer]: write.writer }
  spec.keys.forEach((column, i) => (row[column] = write.key[i]))
  await deps.store.insert(write.table, [row], { dedupToken: casToken(write.table, write.tenantId, write.key, write.version) })
  const query: SqlQuery = {
    name: `cas.${write.table}`,
    sql: `SELECT ${spec.writer} AS writer FROM ${write.table}
WHERE TenantId = {tenantId:String} AND ${keyFilter(write.table)} AND Version = {version:UInt64}
ORDER BY InsertedAt, writer
LIMIT 1`,
    params: { tenantId: write.tenantId, ...keyParams(write.table, write.key), version: write.version },
  }
  const [winner] = await deps.runner.rows<{ writer: string }>(query, { tenantId: write.tenantId })
  return winner?.writer === write.writer
}

/**
 * The current row of each key (highest Version, ties by InsertedAt then writer — the CAS
 * winner), selecting `columns` (fixed SQL expressions of the caller, never input) for the
 * tenant, or for every tenant when tenantId is null.
 */
export function latestQuery(table: CasTable, columns: string, tenantId: string | null, limit: number): SqlQuery {
  const spec = CAS_TABLES[table]
  const by = ['TenantId', ...spec.keys].join(', ')
  const where = tenantId === null ? '' : 'WHERE TenantId = {tenantId:String}'
  return {
    name: `latest.${table}`,
    sql: `SELECT ${columns} FROM ${table} ${where}
ORDER BY ${by}, Version DESC, InsertedAt, ${spec.writer}
LIMIT 1 BY ${by}
LIMIT {limit:UInt32}`,
    params: tenantId === null ? { limit } : { tenantId, limit },
    ...(tenantId === null ? { unscoped: true } : {}),
  }
}
