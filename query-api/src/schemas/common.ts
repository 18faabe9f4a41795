/**
 * Schema pieces shared by several routes. Conventions on the wire: nanosecond instants and
 * durations are decimal strings (`…UnixNano`, `…Ns`), everything else is a JSON number; times
 * of config objects are RFC 3339 strings; rates are fractions (errorRate 0.05 = 5 %).
 */
import { Type, type Static, type TSchema } from 'typebox'

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const TimeParam = Type.String({
  description: 'unix milliseconds or RFC 3339 (nanosecond fractions allowed)',
  examples: ['1767225600000', '2026-01-01T00:00:00Z'],
  maxLength: 64,
})

export const TimeRangeQuery = {
  from: Type.Optional({ ...TimeParam, description: 'start of the range, inclusive; default `to` − limits.defaultRangeMs' }),
  to: Type.Optional({ ...TimeParam, description: 'end of the range, exclusive; default now' }),
}

export const NanoString = Type.String({ pattern: '^[0-9]{1,20}$', description: 'unix nanoseconds or nanoseconds, as a decimal string' })

/** Latency percentiles in ms; null when there was no request of the kind. */
export const LatencyMs = Type.Object({
  p50: Nullable(Type.Number()),
  p90: Nullable(Type.Number()),
  p95: Nullable(Type.Number()),
  p99: Nullable(Type.Number()),
  max: Nullable(Type.Number()),
})
export type LatencyMs = Static<typeof LatencyMs>

/** Where an aggregate came from: per-minute rollups, raw spans, or rollups with raw edges. */
export const SignalSource = Type.Union([Type.Literal('rollup'), Type.Literal('raw'), Type.Literal('mixed')])
export type SignalSource = Static<typeof SignalSource>

export const SourceParam = Type.Optional(
  Type.Union([Type.Literal('auto'), Type.Literal('raw'), Type.Literal('rollup')], {
    description: 'auto (default): rollups for the whole minutes of ranges ≥ rollups.minRangeMs; raw: spans only; rollup: rollups whenever whole minutes exist',
  }),
)

export const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  code: Type.String(),
})

export const Attributes = Type.Record(Type.String(), Type.String())

/** Error answers every route may give, for the OpenAPI document. */
export const PROBLEM_RESPONSES = {
  400: Problem,
  401: Problem,
  403: Problem,
  429: Problem,
  504: Problem,
} as const
