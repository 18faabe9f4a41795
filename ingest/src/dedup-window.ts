/**
 * Start-up check that ClickHouse will really drop a replayed insert: a token deduplicates only
 * within the table's deduplication window, and on an unreplicated MergeTree that window
 * (`non_replicated_deduplication_window`) is 0 by default — every replay would then be written
 * again, silently. Replicated tables have a window by default (replicated_deduplication_window);
 * Distributed tables forward to replicated local tables on a cluster. Ingest refuses to start when
 * a table it writes is an unreplicated MergeTree without a window.
 */
import type { Store } from '@periscope/store'
import { DedupWindowMissing } from './errors.ts'

const WINDOW = /\bnon_replicated_deduplication_window\s*=\s*(\d+)/

export async function assertDeduplicationWindows(store: Pick<Store, 'client'>, tables: readonly string[]): Promise<void> {
  const result = await store.client.query({
    query: `SELECT name, engine, engine_full AS engineFull FROM system.tables
            WHERE database = currentDatabase() AND name IN {tables:Array(String)}`,
    query_params: { tables },
    format: 'JSONEachRow',
  })
  const found = new Map((await result.json<{ name: string; engine: string; engineFull: string }>()).map((t) => [t.name, t]))
  const problems: string[] = []
  for (const table of tables) {
    const t = found.get(table)
    if (!t) {
      problems.push(`${table} does not exist (run the store migrations)`)
      continue
    }
    if (!t.engine.endsWith('MergeTree') || t.engine.startsWith('Replicated') || t.engine.startsWith('Shared')) continue
    const window = Number(WINDOW.exec(t.engineFull)?.[1] ?? 0)
    if (window === 0) problems.push(`${table} (${t.engine}) has non_replicated_deduplication_window = 0`)
  }
  if (problems.length > 0) throw new DedupWindowMissing(problems.join('; '))
}
