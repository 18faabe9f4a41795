/**
 * SQL for log records: search (newest first, cursor pages) and the logs of one trace.
 *
 * Text search `q` matches whole words, case-insensitively (ASCII): every word of q must be a
 * token of the body — `hasToken(lower(Body), word)`, which the tokenbf_v1 index on lower(Body)
 * answers — and q as a whole must occur in the body (`positionCaseInsensitive`), so a phrase
 * matches only in its order. Words are split exactly as ClickHouse tokenizes: runs of ASCII
 * letters and digits and of non-ASCII characters; everything else separates.
 *
 * Order: (Timestamp DESC, RowKey DESC), RowKey = cityHash64 of cheap columns that tell records
 * of the same nanosecond apart (ObservedTimestamp, SpanId, ServiceName, SeverityNumber) without
 * reading bodies; two records equal in all of them are indistinguishable to paging.
 */
import type { SqlQuery } from '../sql/query-runner.ts'

export const MAX_QUERY_WORDS = 8

const ROW_KEY = 'cityHash64(ObservedTimestamp, SpanId, ServiceName, SeverityNumber)'

/** The words of a text query as ClickHouse tokenizes lower(Body); ASCII lower-cased. */
export function queryWords(q: string): string[] {
  const lowered = q.replace(/[A-Z]/g, (c) => c.toLowerCase())
  return lowered.split(/[^a-z0-9\u0080-\uffff]+/).filter((word) => word.length > 0)
}

export interface LogFilters {
  q?: string | undefined
  service?: string | undefined
  /** SeverityNumber values accepted (from severity names/levels) */
  severityNumbers?: readonly number[] | undefined
  minSeverityNumber?: number | undefined
  traceId?: string | undefined
}

export interface LogSearchOptions {
  tenantId: string
  windowFromNs: bigint
  windowToNs: bigint
  filters: LogFilters
  cursor?: { timeNs: bigint; rowKey: string } | undefined
  limit: number
}

export interface LogRowOut {
  timeNs: string
  observedTimeNs: string
  rowKey: string
  severityText: string
  severityNumber: number
  service: string
  body: string
  traceId: string
  spanId: string
  attributes: Record<string, string>
  resource: Record<string, string>
}

const COLUMNS = `toUnixTimestamp64Nano(Timestamp) AS timeNs,
    toUnixTimestamp64Nano(ObservedTimestamp) AS observedTimeNs,
    ${ROW_KEY} AS rowKey,
    SeverityText AS severityText,
    SeverityNumber AS severityNumber,
    ServiceName AS service,
    Body AS body,
    TraceId AS traceId,
    SpanId AS spanId,
    LogAttributes AS attributes,
    ResourceAttributes AS resource`

export function logSearchQuery(options: LogSearchOptions): SqlQuery {
  const { filters } = options
  const params: Record<string, unknown> = {
    tenantId: options.tenantId,
    windowFromNs: options.windowFromNs.toString(),
    windowToNs: options.windowToNs.toString(),
    limit: options.limit,
  }
  const conditions: string[] = []
  if (filters.service !== undefined) {
    conditions.push('ServiceName = {service:String}')
    params.service = filters.service
  }
  if (filters.severityNumbers !== undefined) {
    conditions.push('SeverityNumber IN {severityNumbers:Array(UInt8)}')
    params.severityNumbers = [...filters.severityNumbers]
  }
  if (filters.minSeverityNumber !== undefined) {
    conditions.push('SeverityNumber >= {minSeverityNumber:UInt8}')
    params.minSeverityNumber = filters.minSeverityNumber
  }
  if (filters.traceId !== undefined) {
    conditions.push('TraceId = {traceId:String}')
    params.traceId = filters.traceId
  }
  if (filters.q !== undefined) {
    queryWords(filters.q)
      .slice(0, MAX_QUERY_WORDS)
      .forEach((word, i) => {
        conditions.push(`hasToken(lower(Body), {word${i}:String})`)
        params[`word${i}`] = word
      })
    conditions.push('positionCaseInsensitive(Body, {q:String}) > 0')
    params.q = filters.q
  }
  if (options.cursor) {
    conditions.push(`(Timestamp, ${ROW_KEY}) < (fromUnixTimestamp64Nano({cursorTimeNs:Int64}, 'UTC'), {cursorRowKey:UInt64})`)
    params.cursorTimeNs = options.cursor.timeNs.toString()
    params.cursorRowKey = options.cursor.rowKey
  }
  const sql = `SELECT
    ${COLUMNS}
FROM otel_logs
WHERE TenantId = {tenantId:String}
  AND Timestamp >= fromUnixTimestamp64Nano({windowFromNs:Int64}, 'UTC') AND Timestamp < fromUnixTimestamp64Nano({windowToNs:Int64}, 'UTC')${conditions.map((c) => `\n  AND ${c}`).join('')}
ORDER BY Timestamp DESC, rowKey DESC
LIMIT {limit:UInt32}`
  return { name: filters.q !== undefined ? 'logs.search_text' : 'logs.search', sql, params }
}

/** Logs of one trace within its slice widened by a margin, oldest first. */
export function traceLogsQuery(tenantId: string, traceId: string, fromNs: bigint, toNs: bigint, maxLogs: number): SqlQuery {
  return {
    name: 'traces.logs',
    sql: `SELECT
    ${COLUMNS}
FROM otel_logs
WHERE TenantId = {tenantId:String}
  AND Timestamp >= fromUnixTimestamp64Nano({fromNs:Int64}, 'UTC') AND Timestamp <= fromUnixTimestamp64Nano({toNs:Int64}, 'UTC')
  AND TraceId = {traceId:String}
ORDER BY Timestamp, rowKey
LIMIT {maxLogs:UInt32}`,
    params: { tenantId, traceId, fromNs: fromNs.toString(), toNs: toNs.toString(), maxLogs },
  }
}
