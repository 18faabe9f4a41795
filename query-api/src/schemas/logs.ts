/** Logs: GET /logs (search, newest first, cursor pages). */
import { Type, type Static } from 'typebox'
import { Attributes, NanoString, TimeRangeQuery } from './common.ts'

export const LogsQuery = Type.Object(
  {
    ...TimeRangeQuery,
    q: Type.Optional(Type.String({ maxLength: 1024, description: 'words the body contains, as a phrase, case-insensitively (whole words)' })),
    service: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    severity: Type.Optional(Type.String({ maxLength: 256, description: 'comma-separated levels: trace, debug, info, warn, error, fatal (each its 4 OTLP numbers), or numbers 0–24' })),
    minSeverity: Type.Optional(Type.String({ maxLength: 16, description: 'a level name or number; records at or above it' })),
    traceId: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{32}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
)
export type LogsQuery = Static<typeof LogsQuery>

export const LogRecord = Type.Object({
  timeUnixNano: NanoString,
  observedTimeUnixNano: NanoString,
  severityText: Type.String(),
  severityNumber: Type.Integer(),
  service: Type.String(),
  body: Type.String(),
  traceId: Type.String(),
  spanId: Type.String(),
  attributes: Attributes,
  resource: Attributes,
})
export type LogRecord = Static<typeof LogRecord>

export const LogsResponse = Type.Object({
  logs: Type.Array(LogRecord),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
})
export type LogsResponse = Static<typeof LogsResponse>
