/**
 * SLOs: CRUD on /slos, status on /slos/:id/status, suggestions on /slos/suggestions and
 * POST /slos/suggestions/:service/accept (creates the suggested SLOs of a service in one call).
 *
 * An SLO is request-based over the entry spans (SERVER/CONSUMER) of one service, or of one of
 * its operations (`operation` = SpanName). `sli: availability` counts a request good unless its
 * status is ERROR; `sli: latency` counts it good when its duration is at most `thresholdMs`
 * (rounded down to a latency-bucket bound, at most 1 % below: see `effectiveThresholdMs`).
 * Objectives are percentages (99.9); the window rolls over the last 7, 28 or 30 days.
 */
import { Type, type Static } from 'typebox'
import { Nullable } from './common.ts'

const Name = Type.String({ minLength: 1, maxLength: 256 })

export const SliKind = Type.Union([Type.Literal('availability'), Type.Literal('latency')])
export const WindowDays = Type.Union([Type.Literal(7), Type.Literal(28), Type.Literal(30)], { description: 'rolling window in days; default 30' })

export const SloInput = Type.Object(
  {
    name: Name,
    description: Type.Optional(Type.String({ maxLength: 4096 })),
    service: Name,
    operation: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'one operation (span name) of the service; absent = all' })),
    sli: SliKind,
    objective: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 100, description: 'percent of good requests, e.g. 99.9' }),
    thresholdMs: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3_600_000, description: 'latency SLIs: a request is good at or below it (required for latency)' })),
    windowDays: Type.Optional(WindowDays),
  },
  { additionalProperties: false },
)
export type SloInput = Static<typeof SloInput>

export const Slo = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  service: Type.String(),
  operation: Nullable(Type.String()),
  sli: SliKind,
  objective: Type.Number(),
  thresholdMs: Nullable(Type.Number()),
  windowDays: Type.Integer(),
  window: Type.String({ description: 'the window as text, e.g. "30d"' }),
  version: Type.String({ description: 'changes on every write; the ETag' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
})
export type Slo = Static<typeof Slo>

export const SlosResponse = Type.Object({ slos: Type.Array(Slo) })
export type SlosResponse = Static<typeof SlosResponse>

export const SloParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' }) })

const BurnRates = Type.Object(
  { '5m': Type.Number(), '30m': Type.Number(), '1h': Type.Number(), '6h': Type.Number(), '1d': Type.Number(), '3d': Type.Number() },
  { description: 'burn rate per window ending now: (bad/total)/(1 − objective); 1 spends exactly the budget over the SLO window, 0 without requests' },
)

export const SloStatus = Type.Object({
  sloId: Type.String(),
  evaluatedAt: Type.String({ description: 'end of every window (RFC 3339)' }),
  window: Type.String(),
  objective: Type.Number({ description: 'percent' }),
  sli: Nullable(Type.Number({ description: 'percent of good requests over the SLO window; null without requests' })),
  requests: Type.Object({ total: Type.Number(), good: Type.Number(), bad: Type.Number() }, { description: 'over the SLO window' }),
  errorBudget: Type.Object(
    {
      total: Type.Number({ description: 'the budget as a fraction of requests: 1 − objective/100' }),
      consumed: Type.Number({ description: 'bad requests as a fraction of all requests of the window' }),
      remaining: Type.Number({ description: 'fraction of the budget left, 1 − consumed/total; negative when overspent' }),
    },
    { description: 'over the SLO window' },
  ),
  burnRates: BurnRates,
  timeToExhaustionS: Nullable(Type.Number({ description: 'seconds until no budget is left at the 1h burn rate; null when nothing burns, 0 when none is left' })),
  burnDown: Type.Array(Type.Object({ t: Type.Number({ description: 'bucket end, unix ms' }), remaining: Type.Number({ description: 'fraction of the window budget left' }) }), {
    description: "the window's budget spent bucket by bucket; the last point equals errorBudget.remaining",
  }),
  stepMs: Type.Integer({ description: 'burn-down bucket width' }),
  effectiveThresholdMs: Nullable(Type.Number({ description: 'latency SLIs: the bucket bound requests are compared with (≤ thresholdMs, > thresholdMs/1.01)' })),
})
export type SloStatus = Static<typeof SloStatus>

export const SloSuggestion = Type.Object({
  service: Type.String(),
  sli: SliKind,
  name: Type.String(),
  objective: Type.Number(),
  thresholdMs: Nullable(Type.Number()),
  windowDays: Type.Integer(),
  window: Type.String(),
  reason: Type.String(),
  observed: Type.Object({ requests: Type.Number(), errorRate: Type.Number(), p99Ms: Nullable(Type.Number()) }),
})
export type SloSuggestion = Static<typeof SloSuggestion>

export const SloSuggestionsResponse = Type.Object({
  from: Type.String(),
  to: Type.String(),
  suggestions: Type.Array(SloSuggestion),
})
export type SloSuggestionsResponse = Static<typeof SloSuggestionsResponse>

export const SuggestionsQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ maxLength: 64, description: 'start of the observed traffic; default 7 days before `to`' })),
    to: Type.Optional(Type.String({ maxLength: 64, description: 'default now' })),
  },
  { additionalProperties: false },
)

export const AcceptParams = Type.Object({ service: Type.String({ minLength: 1, maxLength: 256 }) })

export const AcceptBody = Type.Union([
  Type.Object(
    {
      sli: Type.Optional(Type.Array(SliKind, { minItems: 1, maxItems: 2, description: 'which suggestions to create; default both' })),
      windowDays: Type.Optional(WindowDays),
      from: Type.Optional(Type.String({ maxLength: 64 })),
      to: Type.Optional(Type.String({ maxLength: 64 })),
    },
    { additionalProperties: false },
  ),
  Type.Null(),
])
export type AcceptBody = Static<typeof AcceptBody>
