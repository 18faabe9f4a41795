/**
 * openStore: the one place that knows whether ClickHouse is embedded (chdb, in-process) or a
 * server (HTTP). Everything above it talks to `store.client`, a `@clickhouse/client` instance,
 * and writes through `store.insert`.
 *
 * Settings that change the meaning of data (CLIENT_SETTINGS) are pinned, so neither a server's
 * profile nor chdb's defaults (64-bit integers unquoted, best-effort date parsing, async_insert
 * = 1) can change results:
 * - server: as client settings, sent with every request;
 * - embedded: once, as session `SET`s at open. The chdb connection turns per-request settings
 *   into `SET …; <statement>` — session-wide, visible to concurrent statements, and a prefix
 *   that makes ClickHouse re-scan an insert's whole inline payload (2-3x slower inserts).
 *   So on the embedded engine, per-query settings belong in the statement's SETTINGS clause,
 *   never in `clickhouse_settings`; inserts here do exactly that in both shapes.
 */
import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { Readable } from 'node:stream'
import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions, type ClickHouseSettings } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import { compileInsertSerializer, type ColumnSpec, type InsertSerializer } from './json-each-row.ts'
import { DEFAULT_TTL, type StoreConfigInput, type Ttl } from './store-config.ts'

export interface InsertOptions {
  /**
   * Idempotency key of this batch: a second insert of the same rows with the same token is
   * dropped by ClickHouse (within the last 1000 inserts per table, see 0001_signals.sql).
   * Ingest derives it from topic, partition and offset range. Exact for batches below ClickHouse's
   * insert block size (about 1M rows / 256 MiB), which a larger batch would be split by.
   */
  dedupToken?: string
}

export interface Store {
  readonly client: ClickHouseClient
  /** the database all Periscope tables live in */
  readonly database: string
  readonly mode: 'embedded' | 'server'
  /** ClickHouse cluster name when the schema is sharded/replicated (server mode only) */
  readonly cluster: string | undefined
  readonly ttl: Readonly<Ttl>
  /** Inserts row objects (bigint times and counts allowed) as JSONEachRow; resolves once stored. */
  insert(table: string, rows: readonly object[], options?: InsertOptions): Promise<void>
  close(): Promise<void>
}

export class StoreInsertError extends Error {
  override readonly name = 'StoreInsertError'
  constructor(
    readonly table: string,
    readonly rowCount: number,
    options: { cause: unknown },
  ) {
    super(`insert of ${rowCount} rows into ${table} failed: ${(options.cause as Error)?.message ?? String(options.cause)}`, options)
  }
}

/** Settings pinned on every request, in both shapes. */
export const CLIENT_SETTINGS: ClickHouseSettings = {
  // UInt64/Int64 (times as ns, counts) arrive as strings, never as lossy JSON numbers
  output_format_json_quote_64bit_integers: 1,
  // NaN/±Inf come back as "nan"/"inf"/"-inf", not silently as null
  output_format_json_quote_denormals: 1,
  // DateTime64 values we write are "<seconds>.<9 digits>": parse them exactly, no heuristics
  date_time_input_format: 'basic',
  date_time_output_format: 'simple',
  session_timezone: 'UTC',
  // DDL: Nested columns are created (and written) as flattened `Parent.Child` arrays
  flatten_nested: 1,
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain identifier: ${JSON.stringify(name)}`)
  return '`' + name + '`'
}

/** A ClickHouse string literal for an arbitrary string. */
export function stringLiteral(value: string): string {
  return "'" + value.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'"
}

function insertSettings(dedupToken: string | undefined, cluster: string | undefined): string {
  const settings = [
    // synchronous: the promise resolves only once the rows are in a part on disk
    'async_insert = 0',
    'insert_deduplicate = 1',
    // Without a token nothing is deduplicated, not even identical content: a fresh random token
    // is the one way that holds for unreplicated tables (insert_deduplicate = 0 does not stop
    // content-hash deduplication on them once non_replicated_deduplication_window is set).
    `insert_deduplication_token = ${stringLiteral(dedupToken ?? `unique:${randomUUID()}`)}`,
    // a deduplicated block must not be counted again by a materialized view's target either
    'deduplicate_blocks_in_dependent_materialized_views = 1',
    'input_format_skip_unknown_fields = 0',
    "date_time_input_format = 'basic'",
  ]
  // on a cluster, acknowledge only once the shards have the rows
  if (cluster !== undefined) settings.push('distributed_foreground_insert = 1')
  return settings.join(', ')
}

export async function openStore(config: StoreConfigInput): Promise<Store> {
  const ttl: Ttl = Object.freeze({ ...DEFAULT_TTL, ...config.ttl })
  let client: ClickHouseClient
  let cluster: string | undefined
  if (config.mode === 'embedded') {
    mkdirSync(config.path, { recursive: true })
    // chdb types its connection against @clickhouse/client-common, a copy of the types that
    // @clickhouse/client now bundles; the runtime contract is the same, only the type identity differs
    const connection = createChdbConnection({ path: config.path }) as unknown as NonNullable<ClickHouseClientConfigOptions['connection']>
    client = createClient({ connection })
  } else {
    cluster = config.cluster
    client = createClient({
      url: config.url,
      username: config.username ?? 'default',
      password: config.password ?? '',
      database: config.database ?? 'default',
      application: 'periscope',
      request_timeout: config.requestTimeoutMs ?? 60_000,
      max_open_connections: config.maxOpenConnections ?? 10,
      compression: { request: true, response: true },
      clickhouse_settings: CLIENT_SETTINGS,
    })
  }

  let database: string
  try {
    if (config.mode === 'embedded') {
      for (const [name, value] of Object.entries(CLIENT_SETTINGS)) {
        await client.command({ query: `SET ${name} = ${typeof value === 'string' ? stringLiteral(value) : String(value)}` })
      }
    }
    const result = await client.query({ query: 'SELECT currentDatabase() AS db', format: 'JSONEachRow' })
    const rows = await result.json<{ db: string }>()
    database = rows[0]!.db
  } catch (error) {
    await client.close().catch(() => {})
    const where = config.mode === 'embedded' ? `embedded ClickHouse at ${config.path}` : `ClickHouse at ${config.url}`
    throw new Error(`cannot open ${where}: ${(error as Error).message}`, { cause: error })
  }

  // Serializers are compiled from the live table definition, so the wire format can never drift
  // from the schema; a failed lookup is not cached (the table may appear after a migration).
  const serializers = new Map<string, Promise<InsertSerializer>>()
  const serializerFor = (table: string): Promise<InsertSerializer> => {
    let pending = serializers.get(table)
    if (!pending) {
      pending = loadColumns(client, table).then(compileInsertSerializer)
      pending.catch(() => serializers.delete(table))
      serializers.set(table, pending)
    }
    return pending
  }

  return {
    client,
    database,
    mode: config.mode,
    cluster,
    ttl,
    async insert(table, rows, options) {
      if (rows.length === 0) return
      try {
        const { format, columnList, serialize } = await serializerFor(table)
        const query = `INSERT INTO ${quoteIdentifier(table)} ${columnList} SETTINGS ${insertSettings(options?.dedupToken, cluster)} FORMAT ${format}`
        const body = serialize(rows)
        const result = await client.exec({ query, values: Readable.from([Buffer.from(body)], { objectMode: false }) })
        // the (empty) response must be consumed to release the HTTP socket
        for await (const _ of result.stream) void _
      } catch (error) {
        throw new StoreInsertError(table, rows.length, { cause: error })
      }
    },
    async close() {
      await client.close()
    },
  }
}

async function loadColumns(client: ClickHouseClient, table: string): Promise<ColumnSpec[]> {
  const result = await client.query({
    query: `SELECT name, type, default_kind AS defaultKind FROM system.columns
            WHERE database = currentDatabase() AND table = {table:String} ORDER BY position`,
    query_params: { table },
    format: 'JSONEachRow',
  })
  const columns = await result.json<ColumnSpec>()
  if (columns.length === 0) throw new Error(`table ${table} does not exist (has the schema been migrated?)`)
  return columns
}
