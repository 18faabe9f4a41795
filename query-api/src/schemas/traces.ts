/**
 * Traces: GET /traces (search, newest first, cursor pages) and GET /traces/:traceId (the spans
 * of one trace with its logs). Span kinds and status codes drop the OTLP prefixes
 * (SERVER, CLIENT…; OK, ERROR, UNSET).
 */
import { Type, type Static } from 'typebox'
import { Attributes, NanoString, TimeRangeQuery } from './common.ts'
import { LogRecord } from './logs.ts'

export const TRACE_ID_PATTERN = '^[0-9a-fA-F]{32}$'

export const TracesQuery = Type.Object(
  {
    ...TimeRangeQuery,
    service: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'a span of this service…' })),
    operation: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: '…with this name…' })),
    status: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('unset')], { description: '…with this status…' })),
    minDurationMs: Type.Optional(Type.Number({ minimum: 0, maximum: 1e12, description: '…lasting at least this long…' })),
    maxDurationMs: Type.Optional(Type.Number({ minimum: 0, maximum: 1e12, description: '…and at most this long' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'page size; default limits.defaultPageSize, at most limits.maxPageSize' })),
    cursor: Type.Optional(Type.String({ maxLength: 512, description: 'nextCursor of the previous page' })),
  },
  {
    description:
      'Besides these, `attr.<key>=<value>` (up to 8) requires the same span (or its resource) to have the attribute. ' +
      'All span conditions must hold for one span starting within the range.',
  },
)
export type TracesQuery = Static<typeof TracesQuery>

export const TraceSummary = Type.Object({
  traceId: Type.String(),
  rootService: Type.String({ description: "'' while the root span has not arrived" }),
  rootName: Type.String(),
  startTimeUnixNano: NanoString,
  durationNs: NanoString,
  spanCount: Type.Integer(),
  errorCount: Type.Integer(),
  services: Type.Array(Type.String()),
})
export type TraceSummary = Static<typeof TraceSummary>

export const TracesResponse = Type.Object({
  traces: Type.Array(TraceSummary),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
})
export type TracesResponse = Static<typeof TracesResponse>

export const TraceParams = Type.Object({ traceId: Type.String({ pattern: TRACE_ID_PATTERN, description: '32 hex characters' }) })

export const SpanEvent = Type.Object({ timeUnixNano: NanoString, name: Type.String(), attributes: Attributes })
export const SpanLink = Type.Object({ traceId: Type.String(), spanId: Type.String(), attributes: Attributes })

export const Span = Type.Object({
  spanId: Type.String(),
  parentSpanId: Type.String({ description: "'' for a root span" }),
  service: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  startTimeUnixNano: NanoString,
  durationNs: NanoString,
  statusCode: Type.String(),
  statusMessage: Type.String(),
  attributes: Attributes,
  resource: Attributes,
  scope: Type.Object({ name: Type.String(), version: Type.String() }),
  events: Type.Array(SpanEvent),
  links: Type.Array(SpanLink),
})
export type Span = Static<typeof Span>

export const TraceResponse = Type.Object({
  traceId: Type.String(),
  rootService: Type.String(),
  rootName: Type.String(),
  startTimeUnixNano: NanoString,
  durationNs: NanoString,
  spanCount: Type.Integer(),
  errorCount: Type.Integer(),
  services: Type.Array(Type.String()),
  finished: Type.Boolean({ description: 'no span has ended for traces.finishedAfterMs: the answer is final and cached' }),
  truncated: Type.Boolean({ description: 'more spans than limits.maxSpansPerTrace; the earliest are returned' }),
  spans: Type.Array(Span, { description: 'by start time; parentSpanId links them into the tree' }),
  logs: Type.Array(LogRecord),
})
export type TraceResponse = Static<typeof TraceResponse>
