/**
 * Retention: each table's TTL comes from the store config (days per table family, 0 = keep
 * forever) and is applied by `migrate(store)` with ALTER TABLE … MODIFY TTL / REMOVE TTL, only
 * when the table's current TTL differs, so a restart with unchanged config alters nothing.
 * Partitions are daily and tables set ttl_only_drop_parts, so expiry drops whole parts.
 */
import type { ClickHouseClient } from '@clickhouse/client'
import { localName, toClusterStatements } from './cluster-ddl.ts'
import type { Store } from './open-store.ts'
import type { Ttl } from './store-config.ts'

interface TtlRule {
  family: keyof Ttl
  /** DateTime expression the TTL counts from */
  time: string
}

/** Every table with a TTL; tables a migration has not created yet are skipped. */
export const TTL_RULES: Readonly<Record<string, TtlRule>> = {
  otel_traces: { family: 'tracesDays', time: 'toDateTime(Timestamp)' },
  trace_index: { family: 'tracesDays', time: 'toDateTime(Start)' },
  otel_logs: { family: 'logsDays', time: 'toDateTime(Timestamp)' },
  otel_metrics_gauge: { family: 'metricsDays', time: 'toDateTime(TimeUnix)' },
  otel_metrics_sum: { family: 'metricsDays', time: 'toDateTime(TimeUnix)' },
  otel_metrics_histogram: { family: 'metricsDays', time: 'toDateTime(TimeUnix)' },
  otel_metrics_exponential_histogram: { family: 'metricsDays', time: 'toDateTime(TimeUnix)' },
  otel_metrics_summary: { family: 'metricsDays', time: 'toDateTime(TimeUnix)' },
  golden_signals_1m: { family: 'rollupsDays', time: 'Minute' },
  // the hour tier keeps what the minute tier keeps: a range is answered the same from either
  golden_signals_1h: { family: 'rollupsDays', time: 'Hour' },
  log_counts_1m: { family: 'rollupsDays', time: 'Minute' },
  alert_events: { family: 'alertHistoryDays', time: 'toDateTime(Timestamp)' },
  notifications: { family: 'alertHistoryDays', time: 'toDateTime(Timestamp)' },
  // one row per delivery lease (0004_alerting.sql); the evaluator's own lease is renewed, never expires
  alert_leases: { family: 'alertHistoryDays', time: 'toDateTime(ExpiresAt)' },
}

/** The TTL clause as ClickHouse prints it back in create_table_query. */
export function ttlExpression(rule: TtlRule, days: number): string {
  return `${rule.time} + toIntervalDay(${days})`
}

/** The TTL expression of a table, or undefined when it has none. */
export function currentTtl(createTableQuery: string): string | undefined {
  const match = /\bTTL (.+?)(?: SETTINGS |$)/.exec(createTableQuery)
  return match ? match[1]!.trim() : undefined
}

async function createQueries(client: ClickHouseClient): Promise<Map<string, string>> {
  const result = await client.query({
    query: 'SELECT name, create_table_query AS ddl FROM system.tables WHERE database = currentDatabase()',
    format: 'JSONEachRow',
  })
  const rows = await result.json<{ name: string; ddl: string }>()
  return new Map(rows.map((row) => [row.name, row.ddl]))
}

/** The ALTER statements that bring every table's TTL to the configured value (unreplicated form). */
export function ttlStatements(ttl: Ttl, existing: ReadonlyMap<string, string>, storageName: (table: string) => string): string[] {
  const statements: string[] = []
  for (const [table, rule] of Object.entries(TTL_RULES)) {
    const ddl = existing.get(storageName(table))
    if (ddl === undefined) continue
    const days = ttl[rule.family]
    const current = currentTtl(ddl)
    if (days === 0) {
      if (current !== undefined) statements.push(`ALTER TABLE ${table} REMOVE TTL`)
    } else {
      const wanted = ttlExpression(rule, days)
      if (current !== wanted) statements.push(`ALTER TABLE ${table} MODIFY TTL ${wanted}`)
    }
  }
  return statements
}

/** Applies `store.ttl`; returns the statements it ran. */
export async function applyTtl(store: Store): Promise<string[]> {
  const clustered = store.cluster !== undefined
  const existing = await createQueries(store.client)
  const statements = ttlStatements(store.ttl, existing, clustered ? localName : (table) => table)
  const queries = clustered ? toClusterStatements(statements, { cluster: store.cluster!, tables: Object.keys(TTL_RULES) }) : statements
  for (const query of queries) await store.client.command({ query })
  return statements
}
