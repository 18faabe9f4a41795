/**
 * Logs: GET /logs — text search (whole words, the body's token index), severity, service and
 * trace id filters; newest first; cursor pages. See queries/logs.ts for the SQL.
 */
import { severityNumberOf } from '@periscope/model'
import { BadRequest } from '../errors.ts'
import { shortCache } from '../http/cache-headers.ts'
import { decodeCursor, encodeCursor } from '../http/cursor.ts'
import { queryContextOf } from '../http/query-context.ts'
import { logSearchQuery, type LogFilters, type LogRowOut } from '../queries/logs.ts'
import { PROBLEM_RESPONSES } from '../schemas/common.ts'
import { LogsQuery, LogsResponse, type LogRecord } from '../schemas/logs.ts'
import { searchNewestFirst } from '../search/newest-first.ts'
import { resolveTimeRange } from '../time/time-range.ts'
import type { RouteModule } from './route-module.ts'

export const logsRoutes: RouteModule = {
  name: 'logs',
  register(api, ctx) {
    const { config, runner, clock } = ctx

    api.get('/logs', {
      schema: { tags: ['logs'], summary: 'search log records, newest first', querystring: LogsQuery, response: { 200: LogsResponse, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const query = request.query
      const range = resolveTimeRange(query, config.limits, clock.nowMs())
      const limit = Math.min(query.limit ?? config.limits.defaultPageSize, config.limits.maxPageSize)
      const filters: LogFilters = {
        q: query.q === undefined || query.q.trim() === '' ? undefined : query.q.trim(),
        service: query.service,
        severityNumbers: query.severity === undefined ? undefined : severityNumbersOf(query.severity),
        minSeverityNumber: query.minSeverity === undefined ? undefined : severityLevelOf(query.minSeverity),
        traceId: query.traceId?.toLowerCase(),
      }
      const cursor = query.cursor === undefined ? undefined : decodeCursor('logs', query.cursor)
      if (cursor && !/^\d{1,20}$/.test(cursor.tieBreaker)) throw new BadRequest('cursor is not a cursor of this list: pass nextCursor from the previous page unchanged')
      const context = queryContextOf(request, reply)
      const rows = await searchNewestFirst<LogRowOut>({
        range,
        want: limit + 1,
        upperNs: cursor ? cursor.sortKeyNs + 1n : undefined,
        run: (windowFromNs, windowToNs, want) =>
          runner.rows<LogRowOut>(
            logSearchQuery({
              tenantId: context.tenantId,
              windowFromNs,
              windowToNs,
              filters,
              cursor: cursor ? { timeNs: cursor.sortKeyNs, rowKey: cursor.tieBreaker } : undefined,
              limit: want,
            }),
            context,
          ),
      })
      const page = rows.slice(0, limit)
      const last = page[page.length - 1]
      shortCache(reply, config.cache.aggregateMaxAgeSeconds)
      return {
        logs: page.map(logRecordOf),
        nextCursor: rows.length > limit && last ? encodeCursor('logs', { sortKeyNs: BigInt(last.timeNs), tieBreaker: last.rowKey }) : null,
      }
    })
  },
}

export function logRecordOf(row: LogRowOut): LogRecord {
  return {
    timeUnixNano: row.timeNs,
    observedTimeUnixNano: row.observedTimeNs,
    severityText: row.severityText,
    severityNumber: Number(row.severityNumber),
    service: row.service,
    body: row.body,
    traceId: row.traceId,
    spanId: row.spanId,
    attributes: row.attributes,
    resource: row.resource,
  }
}

const LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal']

/** A level name ('error') is its lowest OTLP number (17); a number 0–24 is itself. */
function severityLevelOf(text: string): number {
  const t = text.trim()
  if (/^\d{1,2}$/.test(t) && Number(t) <= 24) return Number(t)
  const n = severityNumberOf(t)
  if (n === 0) throw new BadRequest(`unknown severity ${JSON.stringify(t.slice(0, 32))}: use ${LEVEL_NAMES.join(', ')} or a number 0–24`)
  return n
}

/** 'error,fatal' → 17..24; a plain level name covers its four numbers (ERROR..ERROR4). */
function severityNumbersOf(text: string): number[] {
  const numbers = new Set<number>()
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const n = severityLevelOf(part)
    const isLevelName = LEVEL_NAMES.includes(part.toLowerCase()) || ['warning', 'err', 'information', 'critical'].includes(part.toLowerCase())
    if (isLevelName && n > 0) for (let i = 0; i < 4; i++) numbers.add(n - ((n - 1) % 4) + i)
    else numbers.add(n)
  }
  if (numbers.size === 0) throw new BadRequest('severity names no level')
  return [...numbers].sort((a, b) => a - b)
}
