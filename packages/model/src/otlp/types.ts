/**
 * In-memory OTLP export requests: the shape every Periscope part handles between the wire and the
 * rows. Field names are the OTLP/JSON (lowerCamelCase) names of opentelemetry-proto v1.9.0.
 *
 * Invariants, whichever encoding a request was decoded from:
 * - ids are raw bytes (`Uint8Array`, possibly a view into the request body); an absent id is an
 *   empty array. Lengths are NOT checked here: a wrong-length or all-zero id is rejected per item
 *   when a request is validated or turned into rows, never when it is decoded;
 * - 64-bit integers (times in unix ns, counts, int values) are `bigint`; 32-bit ones are `number`;
 * - enums are their numeric values (an unknown value from a newer peer is kept as is);
 * - every field is present, absent ones hold their proto3 default ('' / 0 / 0n / [] / null for an
 *   absent message or optional double), so decode(encode(x)) deep-equals x.
 */

/** One OTLP AnyValue, tagged by its kind; `empty` is an AnyValue with no value set. */
export type AnyValue =
  | { type: 'string'; value: string }
  | { type: 'bool'; value: boolean }
  | { type: 'int'; value: bigint }
  | { type: 'double'; value: number }
  | { type: 'bytes'; value: Uint8Array }
  | { type: 'array'; value: AnyValue[] }
  | { type: 'kvlist'; value: KeyValue[] }
  | { type: 'empty' }

export interface KeyValue {
  key: string
  value: AnyValue
}

export interface EntityRef {
  schemaUrl: string
  type: string
  idKeys: string[]
  descriptionKeys: string[]
}

export interface Resource {
  attributes: KeyValue[]
  droppedAttributesCount: number
  entityRefs: EntityRef[]
}

export interface InstrumentationScope {
  name: string
  version: string
  attributes: KeyValue[]
  droppedAttributesCount: number
}

// ---- traces ----------------------------------------------------------------------------------

/** Span.SpanKind values. */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const

/** Status.StatusCode values. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const

export interface SpanEvent {
  timeUnixNano: bigint
  name: string
  attributes: KeyValue[]
  droppedAttributesCount: number
}

export interface SpanLink {
  traceId: Uint8Array
  spanId: Uint8Array
  traceState: string
  attributes: KeyValue[]
  droppedAttributesCount: number
  flags: number
}

export interface SpanStatus {
  message: string
  code: number
}

export interface Span {
  traceId: Uint8Array
  spanId: Uint8Array
  traceState: string
  parentSpanId: Uint8Array
  /** lower 8 bits: W3C trace flags; bits 8-9: has-is-remote / is-remote */
  flags: number
  name: string
  kind: number
  startTimeUnixNano: bigint
  endTimeUnixNano: bigint
  attributes: KeyValue[]
  droppedAttributesCount: number
  events: SpanEvent[]
  droppedEventsCount: number
  links: SpanLink[]
  droppedLinksCount: number
  /** null when the span carries no status (same meaning as UNSET) */
  status: SpanStatus | null
}

export interface ScopeSpans {
  scope: InstrumentationScope | null
  spans: Span[]
  schemaUrl: string
}

export interface ResourceSpans {
  resource: Resource | null
  scopeSpans: ScopeSpans[]
  schemaUrl: string
}

/** ExportTraceServiceRequest */
export interface TracesRequest {
  resourceSpans: ResourceSpans[]
}

// ---- logs ------------------------------------------------------------------------------------

export interface LogRecord {
  timeUnixNano: bigint
  observedTimeUnixNano: bigint
  severityNumber: number
  severityText: string
  /** null when the record has no body */
  body: AnyValue | null
  attributes: KeyValue[]
  droppedAttributesCount: number
  flags: number
  traceId: Uint8Array
  spanId: Uint8Array
  eventName: string
}

export interface ScopeLogs {
  scope: InstrumentationScope | null
  logRecords: LogRecord[]
  schemaUrl: string
}

export interface ResourceLogs {
  resource: Resource | null
  scopeLogs: ScopeLogs[]
  schemaUrl: string
}

/** ExportLogsServiceRequest */
export interface LogsRequest {
  resourceLogs: ResourceLogs[]
}

// ---- metrics ---------------------------------------------------------------------------------

/** AggregationTemporality values. */
export const Temporality = { UNSPECIFIED: 0, DELTA: 1, CUMULATIVE: 2 } as const

export interface Exemplar {
  filteredAttributes: KeyValue[]
  timeUnixNano: bigint
  /** asDouble or asInt; null when neither is set */
  value: NumberValue | null
  spanId: Uint8Array
  traceId: Uint8Array
}

export type NumberValue = { type: 'double'; value: number } | { type: 'int'; value: bigint }

export interface NumberDataPoint {
  attributes: KeyValue[]
  startTimeUnixNano: bigint
  timeUnixNano: bigint
  /** asDouble or asInt; null when neither is set (e.g. a no-recorded-value point) */
  value: NumberValue | null
  exemplars: Exemplar[]
  flags: number
}

export interface HistogramDataPoint {
  attributes: KeyValue[]
  startTimeUnixNano: bigint
  timeUnixNano: bigint
  count: bigint
  sum: number | null
  bucketCounts: bigint[]
  explicitBounds: number[]
  exemplars: Exemplar[]
  flags: number
  min: number | null
  max: number | null
}

export interface ExponentialBuckets {
  offset: number
  bucketCounts: bigint[]
}

export interface ExponentialHistogramDataPoint {
  attributes: KeyValue[]
  startTimeUnixNano: bigint
  timeUnixNano: bigint
  count: bigint
  sum: number | null
  scale: number
  zeroCount: bigint
  positive: ExponentialBuckets | null
  negative: ExponentialBuckets | null
  flags: number
  exemplars: Exemplar[]
  min: number | null
  max: number | null
  zeroThreshold: number
}

export interface ValueAtQuantile {
  quantile: number
  value: number
}

export interface SummaryDataPoint {
  attributes: KeyValue[]
  startTimeUnixNano: bigint
  timeUnixNano: bigint
  count: bigint
  sum: number
  quantileValues: ValueAtQuantile[]
  flags: number
}

/** Metric.data: exactly one kind, or `none` when the sender set none. */
export type MetricData =
  | { type: 'gauge'; dataPoints: NumberDataPoint[] }
  | { type: 'sum'; dataPoints: NumberDataPoint[]; aggregationTemporality: number; isMonotonic: boolean }
  | { type: 'histogram'; dataPoints: HistogramDataPoint[]; aggregationTemporality: number }
  | { type: 'exponentialHistogram'; dataPoints: ExponentialHistogramDataPoint[]; aggregationTemporality: number }
  | { type: 'summary'; dataPoints: SummaryDataPoint[] }
  | { type: 'none' }

export interface Metric {
  name: string
  description: string
  unit: string
  data: MetricData
  metadata: KeyValue[]
}

export interface ScopeMetrics {
  scope: InstrumentationScope | null
  metrics: Metric[]
  schemaUrl: string
}

export interface ResourceMetrics {
  resource: Resource | null
  scopeMetrics: ScopeMetrics[]
  schemaUrl: string
}

/** ExportMetricsServiceRequest */
export interface MetricsRequest {
  resourceMetrics: ResourceMetrics[]
}

export type Signal = 'traces' | 'logs' | 'metrics'
export type Encoding = 'protobuf' | 'json'

/** The request type of each signal. */
export interface RequestOf {
  traces: TracesRequest
  logs: LogsRequest
  metrics: MetricsRequest
}
