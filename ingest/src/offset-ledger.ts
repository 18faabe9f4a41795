/**
 * The range ledger: where ingest writes down how it cut a partition's records into inserts,
 * BEFORE inserting them, so a replay after a crash cuts them identically (see range-plan.ts).
 *
 * Storage: the ClickHouse table `ingest_offset_ranges`, one row per planned range:
 *   ConsumerGroup, Topic, Partition, FirstOffset, LastOffset (inclusive), TokenLastOffset (the
 *   last offset its dedup token names: LastOffset, except for the part of a range written by the
 *   replay fallback, see batch-writer.ts), PlannedAt (server time).
 * Ordered by (group, topic, partition, LastOffset, FirstOffset), so the read — every batch reads
 * the plans of its partition from its first offset on — touches only the newest granule;
 * ReplacingMergeTree collapses a plan recorded twice. Rows expire after a week (a plan matters only
 * until its offsets are committed, i.e. seconds). On a cluster the table is replicated to every host, not sharded, like
 * schema_migrations, so every ingest instance reads the plans of a partition it takes over.
 * Ingest creates the table itself (idempotent DDL, the store's cluster variant when clustered):
 * it is ingest's own bookkeeping, not part of the signal schema.
 *
 * Read rule: the open ranges of a partition are the plans whose LastOffset ≥ the first offset of
 * the batch in hand; when plans overlap (a fallback re-plan, a zombie consumer), the newest wins,
 * because it is the one the offsets committed since were based on.
 */
import { toClusterStatements, type Store } from '@periscope/store'
import type { OffsetRange } from './range-plan.ts'

export const LEDGER_TABLE = 'ingest_offset_ranges'

const LEDGER_DDL = `CREATE TABLE IF NOT EXISTS ${LEDGER_TABLE}
(
    ConsumerGroup LowCardinality(String),
    Topic LowCardinality(String),
    Partition UInt32,
    FirstOffset UInt64,
    LastOffset UInt64,
    TokenLastOffset UInt64,
    PlannedAt DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(PlannedAt)
ORDER BY (ConsumerGroup, Topic, Partition, LastOffset, FirstOffset)
TTL toDateTime(PlannedAt) + INTERVAL 7 DAY
SETTINGS non_replicated_deduplication_window = 1000`

/** the most open ranges read back for one partition; a batch never holds more ranges than records */
const MAX_OPEN_RANGES = 100_000

export interface PartitionKey {
  group: string
  topic: string
  partition: number
}

export interface RangeLedger {
  /** creates the table if absent */
  ensure(): Promise<void>
  /** planned ranges with last ≥ fromOffset, ascending and non-overlapping */
  openRanges(key: PartitionKey, fromOffset: bigint): Promise<OffsetRange[]>
  /** durably records planned ranges; resolves once ClickHouse acknowledged them */
  record(key: PartitionKey, ranges: readonly OffsetRange[]): Promise<void>
}

export interface LedgerRow extends OffsetRange {
  plannedAtMs: number
}

/** Newest plan wins where plans overlap; the result is ascending by first offset. */
export function resolveOpenRanges(rows: readonly LedgerRow[]): OffsetRange[] {
  const newestFirst = [...rows].sort((a, b) => b.plannedAtMs - a.plannedAtMs || (a.first < b.first ? -1 : a.first > b.first ? 1 : 0))
  const kept: OffsetRange[] = []
  for (const row of newestFirst) {
    if (kept.some((k) => row.first <= k.last && k.first <= row.last)) continue
    kept.push(row.tokenLast === undefined || row.tokenLast === row.last ? { first: row.first, last: row.last } : { first: row.first, last: row.last, tokenLast: row.tokenLast })
  }
  return kept.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0))
}

export function createClickHouseLedger(store: Store): RangeLedger {
  return {
    async ensure() {
      const statements =
        store.cluster === undefined ? [LEDGER_DDL] : toClusterStatements([LEDGER_DDL], { cluster: store.cluster, tables: [], replicatedOnly: true })
      for (const query of statements) await store.client.command({ query })
    },
    async openRanges(key, fromOffset) {
      const result = await store.client.query({
        query: `SELECT toString(FirstOffset) AS first, toString(LastOffset) AS last, toString(TokenLastOffset) AS tokenLast,
                       toString(toUnixTimestamp64Milli(PlannedAt)) AS plannedAtMs
                FROM ${LEDGER_TABLE}
                WHERE ConsumerGroup = {group:String} AND Topic = {topic:String} AND Partition = {partition:UInt32}
                  AND LastOffset >= {from:UInt64}
                LIMIT {limit:UInt32}`,
        query_params: { group: key.group, topic: key.topic, partition: key.partition, from: fromOffset.toString(), limit: MAX_OPEN_RANGES },
        format: 'JSONEachRow',
      })
      const rows = await result.json<{ first: string; last: string; tokenLast: string; plannedAtMs: string }>()
      return resolveOpenRanges(
        rows.map((r) => ({ first: BigInt(r.first), last: BigInt(r.last), tokenLast: BigInt(r.tokenLast), plannedAtMs: Number(r.plannedAtMs) })),
      )
    },
    async record(key, ranges) {
      if (ranges.length === 0) return
      await store.insert(
        LEDGER_TABLE,
        ranges.map((r) => ({
          ConsumerGroup: key.group,
          Topic: key.topic,
          Partition: key.partition,
          FirstOffset: r.first,
          LastOffset: r.last,
          TokenLastOffset: r.tokenLast ?? r.last,
        })),
      )
    },
  }
}
