/**
 * The `insert_deduplication_token` of an insert: `<topic>/<partition>/<first>-<last>/<table>`,
 * e.g. `otlp.traces/3/1200-1456/otel_traces`.
 *
 * Invariant: one token names exactly one set of rows — the rows of `table` decoded from the
 * records of `topic`/`partition` with offsets first..last (both included), in offset order. Row
 * building is deterministic, and range-plan.ts guarantees a replayed range has the same bounds, so
 * a replayed insert carries the same token and ClickHouse drops it (within the table's
 * deduplication window). ClickHouse suffixes the token per block (`_0`, `_1`, …) when one insert
 * makes several parts (one per table partition), which is deterministic for the same rows.
 */
import type { TableName } from '@periscope/model'

export interface TokenRange {
  topic: string
  partition: number
  first: bigint
  last: bigint
}

export function insertDedupToken(range: TokenRange, table: TableName): string {
  return `${range.topic}/${range.partition}/${range.first}-${range.last}/${table}`
}
