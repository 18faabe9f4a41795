/**
 * Golden signals of services: GET /services, /services/:name/signals, /services/:name/operations.
 * Computed from entry spans (SpanKind SERVER or CONSUMER). `latencyMs` is the latency of
 * successful requests (StatusCode not ERROR), `errorLatencyMs` that of failed ones; percentiles
 * are read from log buckets of 1 % width (never below the true value, at most 1 % above it),
 * and `max` is the largest bucket's bound capped at the largest duration.
 */
import { Type, type Static } from 'typebox'
import { LatencyMs, Nullable, SignalSource, SourceParam, TimeRangeQuery } from './common.ts'

export const ServicesQuery = Type.Object({ ...TimeRangeQuery, source: SourceParam }, { additionalProperties: false })
export type ServicesQuery = Static<typeof ServicesQuery>

export const ServiceSummary = Type.Object({
  name: Type.String(),
  requests: Type.Integer(),
  errors: Type.Integer(),
  rps: Type.Number(),
  errorRate: Type.Number({ description: 'fraction of requests with StatusCode ERROR' }),
  meanMs: Nullable(Type.Number()),
  latencyMs: LatencyMs,
  errorLatencyMs: LatencyMs,
})
export type ServiceSummary = Static<typeof ServiceSummary>

export const ServicesResponse = Type.Object({
  services: Type.Array(ServiceSummary),
  source: SignalSource,
})
export type ServicesResponse = Static<typeof ServicesResponse>

export const ServiceParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 256 }) })

export const SignalsQuery = Type.Object(
  {
    ...TimeRangeQuery,
    step: Type.Optional(Type.String({ description: 'bucket width: 30s, 5m, 1h or milliseconds; default: the smallest nice step giving ≤ limits.maxSeriesPoints points', maxLength: 32 })),
    operation: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'only this operation (span name)' })),
    source: SourceParam,
  },
  { additionalProperties: false },
)
export type SignalsQuery = Static<typeof SignalsQuery>

export const SignalPoint = Type.Object({
  t: Type.Number({ description: 'bucket start, unix ms' }),
  requests: Type.Integer(),
  errors: Type.Integer(),
  rps: Type.Number({ description: 'requests per second over the part of the bucket inside the range' }),
  errorRate: Type.Number(),
  p50Ms: Nullable(Type.Number()),
  p90Ms: Nullable(Type.Number()),
  p95Ms: Nullable(Type.Number()),
  p99Ms: Nullable(Type.Number()),
  maxMs: Nullable(Type.Number()),
  errorLatencyMs: LatencyMs,
})
export type SignalPoint = Static<typeof SignalPoint>

export const ResourcePoint = Type.Object({ t: Type.Number(), value: Nullable(Type.Number()) })
export const ResourceSeries = Type.Object({
  metric: Type.String(),
  points: Type.Array(ResourcePoint),
})
export type ResourceSeries = Static<typeof ResourceSeries>

export const SignalsResponse = Type.Object({
  service: Type.String(),
  stepMs: Type.Integer(),
  source: SignalSource,
  points: Type.Array(SignalPoint),
  saturation: Type.Array(ResourceSeries, { description: 'host/pod/runtime saturation gauges of the hosts and pods serving the service, averaged over them' }),
  utilization: Type.Array(ResourceSeries, { description: 'host/pod/runtime utilization gauges (fractions), averaged over hosts and pods' }),
  hosts: Type.Array(Type.String(), { description: 'host.name values of the service entry spans in the range' }),
  pods: Type.Array(Type.String(), { description: 'k8s.pod.name values of the service entry spans in the range' }),
})
export type SignalsResponse = Static<typeof SignalsResponse>

export const OperationsQuery = ServicesQuery
export type OperationsQuery = ServicesQuery

export const OperationSummary = Type.Object({
  name: Type.String(),
  requests: Type.Integer(),
  errors: Type.Integer(),
  rps: Type.Number(),
  errorRate: Type.Number(),
  meanMs: Nullable(Type.Number()),
  p50Ms: Nullable(Type.Number()),
  p90Ms: Nullable(Type.Number()),
  p95Ms: Nullable(Type.Number()),
  p99Ms: Nullable(Type.Number()),
  maxMs: Nullable(Type.Number()),
  errorLatencyMs: LatencyMs,
  impact: Type.Number({ description: 'mean duration × calls, in ms: the time the service spent in this operation' }),
  impactShare: Type.Number({ description: "impact as a fraction of the service's total" }),
})
export type OperationSummary = Static<typeof OperationSummary>

export const OperationsResponse = Type.Object({
  service: Type.String(),
  source: SignalSource,
  operations: Type.Array(OperationSummary),
})
export type OperationsResponse = Static<typeof OperationsResponse>
