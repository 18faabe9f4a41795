/**
 * Traces: search (GET /traces) and retrieval (GET /traces/:traceId).
 *
 * Retrieval reads the trace index once for the trace's slice [start, end], then the spans of
 * that slice and the trace's logs (slice ± traces.logMarginMs) in parallel. A trace whose last
 * span ended more than traces.finishedAfterMs ago is final: its answer carries an ETag and
 * `Cache-Control: private, max-age=…, immutable`, and a matching If-None-Match is answered 304
 * straight after the index lookup, without reading spans.
 */
import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { BadRequest, NotFound } from '../errors.ts'
import { etagMatches, immutableCache, shortCache } from '../http/cache-headers.ts'
import { decodeCursor, encodeCursor } from '../http/cursor.ts'
import { queryContextOf } from '../http/query-context.ts'
import { traceLogsQuery, type LogRowOut } from '../queries/logs.ts'
import {
  MAX_ATTRIBUTE_FILTERS,
  traceIndexQuery,
  traceCandidatesQuery,
  traceSpansQuery,
  traceSummariesQuery,
  type SpanFilters,
  type SpanRowOut,
  type TraceCandidateRow,
  type TraceCursor,
  type TraceIndexRow,
  type TraceSummaryRow,
} from '../queries/traces.ts'
import type { QueryContext, QueryRunner } from '../sql/query-runner.ts'
import { PROBLEM_RESPONSES, Problem } from '../schemas/common.ts'
import { TraceParams, TraceResponse, TracesQuery, TracesResponse, type Span, type TraceSummary } from '../schemas/traces.ts'
import { searchNewestFirst } from '../search/newest-first.ts'
import { NS_PER_MS } from '../time/instant.ts'
import { resolveTimeRange } from '../time/time-range.ts'
import { logRecordOf } from './logs.ts'
import type { RouteModule } from './route-module.ts'

const ATTR_PREFIX = 'attr.'
const KNOWN_QUERY_KEYS = new Set(Object.keys(TracesQuery.properties))

export const tracesRoutes: RouteModule = {
  name: 'traces',
  register(api, ctx) {
    const { config, runner, clock } = ctx

    api.get('/traces', {
      schema: { tags: ['traces'], summary: 'search traces, newest first', querystring: TracesQuery, response: { 200: TracesResponse, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const query = request.query
      const range = resolveTimeRange(query, config.limits, clock.nowMs())
      const limit = Math.min(query.limit ?? config.limits.defaultPageSize, config.limits.maxPageSize)
      const filters: SpanFilters = {
        service: query.service,
        operation: query.operation,
        status: query.status,
        minDurationNs: query.minDurationMs === undefined ? undefined : msToNsExact(query.minDurationMs),
        maxDurationNs: query.maxDurationMs === undefined ? undefined : msToNsExact(query.maxDurationMs),
        attributes: attributeFilters(request),
      }
      const cursor = query.cursor === undefined ? undefined : decodeCursor('traces', query.cursor)
      if (cursor && !/^[0-9a-f]{32}$/.test(cursor.tieBreaker)) throw new BadRequest('cursor is not a cursor of this list: pass nextCursor from the previous page unchanged')
      const context = queryContextOf(request, reply)
      const after: TraceCursor | undefined = cursor ? { startNs: cursor.sortKeyNs, traceId: cursor.tieBreaker } : undefined
      const rows = await searchNewestFirst<TraceSummaryRow>({
        range,
        want: limit + 1,
        upperNs: cursor ? cursor.sortKeyNs + 1n : undefined,
        run: (windowFromNs, windowToNs, want) => newestInWindow(runner, context, { windowFromNs, windowToNs, spansToNs: range.toNs, filters, cursor: after }, want),
      })
      const page = rows.slice(0, limit)
      const last = page[page.length - 1]
      shortCache(reply, config.cache.aggregateMaxAgeSeconds)
      return {
        traces: page.map(traceSummaryOf),
        nextCursor: rows.length > limit && last ? encodeCursor('traces', { sortKeyNs: BigInt(last.startNs), tieBreaker: last.traceId }) : null,
      }
    })

    api.get('/traces/:traceId', {
      schema: { tags: ['traces'], summary: 'one trace: its spans and its logs', params: TraceParams, response: { 200: TraceResponse, 304: Type.Null({ description: 'not modified (If-None-Match of a finished trace)' }), 404: Problem, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const traceId = request.params.traceId.toLowerCase()
      const context = queryContextOf(request, reply)
      const [index] = await runner.rows<TraceIndexRow>(traceIndexQuery(context.tenantId, traceId), context)
      if (!index) throw new NotFound(`no trace ${traceId}`)
      const startNs = BigInt(index.startNs)
      const endNs = BigInt(index.endNs)
      const finished = endNs < BigInt(clock.nowMs() - config.traces.finishedAfterMs) * NS_PER_MS
      const etag = `"${createHash('sha256').update(`${traceId}:${index.startNs}:${index.endNs}:${index.spanCount}:${index.errorCount}`).digest('base64url').slice(0, 27)}"`
      if (finished) {
        immutableCache(reply, config.cache.finishedTraceMaxAgeSeconds, etag)
        if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send(null)
      } else {
        reply.header('cache-control', 'no-cache')
      }
      const marginNs = BigInt(config.traces.logMarginMs) * NS_PER_MS
      const maxSpans = config.limits.maxSpansPerTrace
      const [spans, logs] = await Promise.all([
        runner.rows<SpanRowOut>(traceSpansQuery(context.tenantId, traceId, startNs, endNs, maxSpans), context),
        config.limits.maxLogsPerTrace > 0
          ? runner.rows<LogRowOut>(traceLogsQuery(context.tenantId, traceId, startNs - marginNs, endNs + marginNs, config.limits.maxLogsPerTrace), context)
          : Promise.resolve([]),
      ])
      return {
        ...traceSummaryOf({ ...index, traceId }),
        finished,
        truncated: spans.length >= maxSpans && Number(index.spanCount) > maxSpans,
        spans: spans.map(spanOf),
        logs: logs.map(logRecordOf),
      }
    })
  },
}

/** Extra candidates asked for beyond those wanted, for traces that started before the window. */
const CANDIDATE_SLACK = 16
const CANDIDATE_GROWTH = 4

/**
 * The newest `want` traces starting in the window (see queries/traces.ts): top-k candidates
 * by their first span in the window, then their summaries from the index; k grows only when
 * too many candidates turned out to have started before the window.
 */
export async function newestInWindow(
  runner: QueryRunner,
  context: QueryContext,
  window: { windowFromNs: bigint; windowToNs: bigint; spansToNs: bigint; filters: SpanFilters; cursor: TraceCursor | undefined },
  want: number,
): Promise<TraceSummaryRow[]> {
  for (let k = want + CANDIDATE_SLACK; ; k *= CANDIDATE_GROWTH) {
    const candidates = await runner.rows<TraceCandidateRow>(traceCandidatesQuery({ tenantId: context.tenantId, ...window, limit: k }), context)
    if (candidates.length === 0) return []
    const summaries = await runner.rows<TraceSummaryRow>(
      traceSummariesQuery({ tenantId: context.tenantId, traceIds: candidates.map((c) => c.traceId), windowFromNs: window.windowFromNs, windowToNs: window.windowToNs, cursor: window.cursor }),
      context,
    )
    if (summaries.length >= want || candidates.length < k) return summaries.slice(0, want)
  }
}

function msToNsExact(ms: number): bigint {
  // sub-ms bounds are allowed (0.5 ms); nanoseconds are the finest unit
  return BigInt(Math.round(ms * 1e6))
}

/** `attr.<key>=<value>` query parameters; anything else unknown is a 400, not silently ignored. */
function attributeFilters(request: FastifyRequest): Array<[string, string]> {
  const filters: Array<[string, string]> = []
  for (const [key, value] of Object.entries(request.query as Record<string, unknown>)) {
    if (KNOWN_QUERY_KEYS.has(key)) continue
    if (!key.startsWith(ATTR_PREFIX) || key.length === ATTR_PREFIX.length || key.length > 256 + ATTR_PREFIX.length) {
      throw new BadRequest(`unknown query parameter ${JSON.stringify(key.slice(0, 64))}; attribute filters are attr.<key>=<value>`)
    }
    if (typeof value !== 'string' || value.length > 4096) throw new BadRequest(`${key.slice(0, 64)} must be given once, as text of at most 4096 characters`)
    filters.push([key.slice(ATTR_PREFIX.length), value])
  }
  if (filters.length > MAX_ATTRIBUTE_FILTERS) throw new BadRequest(`at most ${MAX_ATTRIBUTE_FILTERS} attr.<key> filters`)
  return filters
}

function traceSummaryOf(row: Omit<TraceSummaryRow, 'traceId'> & { traceId: string }): TraceSummary {
  const startNs = BigInt(row.startNs)
  const endNs = BigInt(row.endNs)
  return {
    traceId: row.traceId,
    rootService: row.rootService,
    rootName: row.rootName,
    startTimeUnixNano: row.startNs,
    durationNs: (endNs > startNs ? endNs - startNs : 0n).toString(),
    spanCount: Number(row.spanCount),
    errorCount: Number(row.errorCount),
    services: row.services,
  }
}

const KIND_PREFIX = 'SPAN_KIND_'
const STATUS_PREFIX = 'STATUS_CODE_'

function spanOf(row: SpanRowOut): Span {
  return {
    spanId: row.spanId,
    parentSpanId: row.parentSpanId,
    service: row.service,
    name: row.name,
    kind: row.kind.startsWith(KIND_PREFIX) ? row.kind.slice(KIND_PREFIX.length) : row.kind,
    startTimeUnixNano: row.startNs,
    durationNs: row.durationNs,
    statusCode: row.statusCode.startsWith(STATUS_PREFIX) ? row.statusCode.slice(STATUS_PREFIX.length) : row.statusCode,
    statusMessage: row.statusMessage,
    attributes: row.attributes,
    resource: row.resource,
    scope: { name: row.scopeName, version: row.scopeVersion },
    events: row.eventNames.map((name, i) => ({ timeUnixNano: row.eventTimesNs[i] ?? '0', name, attributes: row.eventAttributes[i] ?? {} })),
    links: row.linkTraceIds.map((traceId, i) => ({ traceId, spanId: row.linkSpanIds[i] ?? '', attributes: row.linkAttributes[i] ?? {} })),
  }
}
