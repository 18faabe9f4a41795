/**
 * SQL for traces: search (candidates from otel_traces, summaries from trace_index) and
 * retrieval by id (one trace_index lookup, then one time slice of otel_traces and otel_logs).
 *
 * Search, per newest-first window W = [from, to):
 *   1. traceCandidatesQuery: trace ids with a span in W (and, with span filters, a matching
 *      span in [W.from, range end)), ranked by their first span in W — newest first, top k.
 *      otel_traces is ordered by (tenant, service, minute, trace id), so this reads W's minutes.
 *   2. traceSummariesQuery: those ids' rows in trace_index (partial aggregates, so all rows of
 *      an id are aggregated again), keeping the traces whose start lies in W.
 * A trace that starts in W ranks by its start (its first span in W is its first span); a trace
 * that started before W but has spans in it ranks by a later instant and is dropped in step 2.
 * So the top `want` survivors of the top k candidates are the newest `want` traces of W — unless
 * fewer than `want` survive while k candidates came back, in which case the caller asks again
 * with a larger k. Reading trace_index only for a few ids keeps the search proportional to the
 * window, not to the index (whose order by trace id scatters any time range over all of it).
 *
 * Span filters (service, operation, status, duration bounds, attributes) must all hold for one
 * span of the trace that starts within [window start, range end).
 */
import type { SqlQuery } from '../sql/query-runner.ts'

export type SpanStatusFilter = 'ok' | 'error' | 'unset'

export const STATUS_CODES: Record<SpanStatusFilter, string> = {
  ok: 'STATUS_CODE_OK',
  error: 'STATUS_CODE_ERROR',
  unset: 'STATUS_CODE_UNSET',
}

export const MAX_ATTRIBUTE_FILTERS = 8

export interface SpanFilters {
  service?: string | undefined
  operation?: string | undefined
  status?: SpanStatusFilter | undefined
  minDurationNs?: bigint | undefined
  maxDurationNs?: bigint | undefined
  /** key = value on the span's or its resource's attributes; at most MAX_ATTRIBUTE_FILTERS */
  attributes?: ReadonlyArray<readonly [string, string]> | undefined
}

export interface TraceCursor {
  startNs: bigint
  traceId: string
}

export interface TraceCandidatesOptions {
  tenantId: string
  /** candidates have a span in [windowFromNs, windowToNs) */
  windowFromNs: bigint
  windowToNs: bigint
  /** span filters consider spans starting before this (the range end) */
  spansToNs: bigint
  filters: SpanFilters
  /** strictly after this (start DESC, traceId DESC) position */
  cursor?: TraceCursor | undefined
  limit: number
}

export interface TraceCandidateRow {
  traceId: string
  /** the trace's first span in the window, unix ns */
  firstNs: string
}

export interface TraceSummaryRow {
  traceId: string
  startNs: string
  endNs: string
  rootService: string
  rootName: string
  spanCount: string
  errorCount: string
  services: string[]
}

function hasSpanFilters(filters: SpanFilters): boolean {
  return (
    filters.service !== undefined ||
    filters.operation !== undefined ||
    filters.status !== undefined ||
    filters.minDurationNs !== undefined ||
    filters.maxDurationNs !== undefined ||
    (filters.attributes?.length ?? 0) > 0
  )
}

export function traceCandidatesQuery(options: TraceCandidatesOptions): SqlQuery {
  const { filters } = options
  const attributes = filters.attributes ?? []
  if (attributes.length > MAX_ATTRIBUTE_FILTERS) throw new Error(`at most ${MAX_ATTRIBUTE_FILTERS} attribute filters`)
  const params: Record<string, unknown> = {
    tenantId: options.tenantId,
    windowFromNs: options.windowFromNs.toString(),
    windowToNs: options.windowToNs.toString(),
    limit: options.limit,
  }
  let spanClause = ''
  if (hasSpanFilters(filters)) {
    const conditions: string[] = []
    if (filters.service !== undefined) {
      conditions.push('ServiceName = {service:String}')
      params.service = filters.service
    }
    if (filters.operation !== undefined) {
      conditions.push('SpanName = {operation:String}')
      params.operation = filters.operation
    }
    if (filters.status !== undefined) {
      conditions.push('StatusCode = {statusCode:String}')
      params.statusCode = STATUS_CODES[filters.status]
    }
    if (filters.minDurationNs !== undefined) {
      conditions.push('Duration >= {minDurationNs:UInt64}')
      params.minDurationNs = filters.minDurationNs.toString()
    }
    if (filters.maxDurationNs !== undefined) {
      conditions.push('Duration <= {maxDurationNs:UInt64}')
      params.maxDurationNs = filters.maxDurationNs.toString()
    }
    attributes.forEach(([key, value], i) => {
      conditions.push(`(SpanAttributes[{attrKey${i}:String}] = {attrValue${i}:String} OR ResourceAttributes[{attrKey${i}:String}] = {attrValue${i}:String})`)
      params[`attrKey${i}`] = key
      params[`attrValue${i}`] = value
    })
    params.spansToNs = options.spansToNs.toString()
    spanClause = `
  AND TraceId IN
  (
      SELECT TraceId
      FROM otel_traces
      WHERE TenantId = {tenantId:String}
        AND Timestamp >= fromUnixTimestamp64Nano({windowFromNs:Int64}, 'UTC') AND Timestamp < fromUnixTimestamp64Nano({spansToNs:Int64}, 'UTC')
        AND ${conditions.join('\n        AND ')}
  )`
  }
  let cursorClause = ''
  if (options.cursor) {
    cursorClause = '\nHAVING (firstNs, traceId) < ({cursorStartNs:Int64}, {cursorTraceId:String})'
    params.cursorStartNs = options.cursor.startNs.toString()
    params.cursorTraceId = options.cursor.traceId
  }
  const sql = `SELECT TraceId AS traceId, toUnixTimestamp64Nano(min(Timestamp)) AS firstNs
FROM otel_traces
WHERE TenantId = {tenantId:String}
  AND Timestamp >= fromUnixTimestamp64Nano({windowFromNs:Int64}, 'UTC') AND Timestamp < fromUnixTimestamp64Nano({windowToNs:Int64}, 'UTC')${spanClause}
GROUP BY TraceId${cursorClause}
ORDER BY firstNs DESC, traceId DESC
LIMIT {limit:UInt32}`
  return { name: hasSpanFilters(filters) ? 'traces.candidates_filtered' : 'traces.candidates', sql, params }
}

/** Summaries of the given traces that start in [windowFromNs, windowToNs) (and before the cursor). */
export function traceSummariesQuery(options: { tenantId: string; traceIds: readonly string[]; windowFromNs: bigint; windowToNs: bigint; cursor?: TraceCursor | undefined }): SqlQuery {
  const params: Record<string, unknown> = {
    tenantId: options.tenantId,
    traceIds: [...options.traceIds],
    windowFromNs: options.windowFromNs.toString(),
    windowToNs: options.windowToNs.toString(),
  }
  let cursorClause = ''
  if (options.cursor) {
    cursorClause = '\n   AND (startNs, traceId) < ({cursorStartNs:Int64}, {cursorTraceId:String})'
    params.cursorStartNs = options.cursor.startNs.toString()
    params.cursorTraceId = options.cursor.traceId
  }
  const sql = `SELECT
    TraceId AS traceId,
    toUnixTimestamp64Nano(min(Start)) AS startNs,
    toUnixTimestamp64Nano(max(End)) AS endNs,
    max(RootServiceName) AS rootService,
    max(RootSpanName) AS rootName,
    sum(SpanCount) AS spanCount,
    sum(ErrorCount) AS errorCount,
    arraySort(groupUniqArrayArray(Services)) AS services
FROM trace_index
WHERE TenantId = {tenantId:String} AND TraceId IN {traceIds:Array(String)}
GROUP BY TraceId
HAVING startNs >= {windowFromNs:Int64} AND startNs < {windowToNs:Int64}${cursorClause}
ORDER BY startNs DESC, traceId DESC`
  return { name: 'traces.summaries', sql, params }
}

export interface TraceIndexRow {
  startNs: string
  endNs: string
  spanCount: string
  errorCount: string
  rootService: string
  rootName: string
  services: string[]
}

export function traceIndexQuery(tenantId: string, traceId: string): SqlQuery {
  return {
    name: 'traces.index',
    sql: `SELECT
    toUnixTimestamp64Nano(min(Start)) AS startNs,
    toUnixTimestamp64Nano(max(End)) AS endNs,
    sum(SpanCount) AS spanCount,
    sum(ErrorCount) AS errorCount,
    max(RootServiceName) AS rootService,
    max(RootSpanName) AS rootName,
    arraySort(groupUniqArrayArray(Services)) AS services
FROM trace_index
WHERE TenantId = {tenantId:String} AND TraceId = {traceId:String}
GROUP BY TraceId`,
    params: { tenantId, traceId },
  }
}

export interface SpanRowOut {
  spanId: string
  parentSpanId: string
  service: string
  name: string
  kind: string
  startNs: string
  durationNs: string
  statusCode: string
  statusMessage: string
  attributes: Record<string, string>
  resource: Record<string, string>
  scopeName: string
  scopeVersion: string
  eventTimesNs: string[]
  eventNames: string[]
  eventAttributes: Record<string, string>[]
  linkTraceIds: string[]
  linkSpanIds: string[]
  linkAttributes: Record<string, string>[]
}

/** The spans of one trace within its slice [startNs, endNs] from the index; one row per span id. */
export function traceSpansQuery(tenantId: string, traceId: string, startNs: bigint, endNs: bigint, maxSpans: number): SqlQuery {
  return {
    name: 'traces.spans',
    sql: `SELECT
    SpanId AS spanId,
    ParentSpanId AS parentSpanId,
    ServiceName AS service,
    SpanName AS name,
    SpanKind AS kind,
    toUnixTimestamp64Nano(Timestamp) AS startNs,
    Duration AS durationNs,
    StatusCode AS statusCode,
    StatusMessage AS statusMessage,
    SpanAttributes AS attributes,
    ResourceAttributes AS resource,
    ScopeName AS scopeName,
    ScopeVersion AS scopeVersion,
    arrayMap(t -> toUnixTimestamp64Nano(t), Events.Timestamp) AS eventTimesNs,
    Events.Name AS eventNames,
    Events.Attributes AS eventAttributes,
    Links.TraceId AS linkTraceIds,
    Links.SpanId AS linkSpanIds,
    Links.Attributes AS linkAttributes
FROM otel_traces
WHERE TenantId = {tenantId:String}
  AND Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}, 'UTC') AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}, 'UTC')
  AND TraceId = {traceId:String}
ORDER BY Timestamp, SpanId
LIMIT 1 BY SpanId
LIMIT {maxSpans:UInt32}`,
    params: { tenantId, traceId, startNs: startNs.toString(), endNs: endNs.toString(), maxSpans },
  }
}
