/**
 * Row types: one interface per ClickHouse table, field names equal to column names.
 *
 * Column names follow the OpenTelemetry ClickHouse exporter schema (otel_traces, otel_logs,
 * otel_metrics_*) so existing ClickHouse tooling can read Periscope's tables; every row adds
 * `TenantId`, the first key column of every table.
 *
 * Invariants, for every row produced by this package:
 * - times are unix nanoseconds as bigint (DateTime64(9) in ClickHouse);
 * - `Duration` is nanoseconds (UInt64) — the column keeps the exporter's name, the unit is ns;
 * - trace ids are 32 and span ids 16 lowercase hex characters, never all zeros; an absent
 *   parent span id is the empty string;
 * - attribute maps are flat string → string: resource and scope attributes are flattened, nested
 *   kvlists use dotted keys, arrays and bytes are rendered as JSON / base64 text (see any-value.ts);
 * - `ServiceName` is the resource's `service.name`, or `unknown_service` when absent.
 * Nested columns (Events, Links, quantiles) are written in their flattened form `Parent.Child`,
 * which is how ClickHouse accepts Nested columns in JSONEachRow with flatten_nested = 1.
 */

export type Attributes = Record<string, string>

/** OTLP span kinds as the exporter spells them in the SpanKind column. */
export type SpanKindName =
  | 'SPAN_KIND_UNSPECIFIED'
  | 'SPAN_KIND_INTERNAL'
  | 'SPAN_KIND_SERVER'
  | 'SPAN_KIND_CLIENT'
  | 'SPAN_KIND_PRODUCER'
  | 'SPAN_KIND_CONSUMER'

/** OTLP status codes as the exporter spells them in the StatusCode column. */
export type StatusCodeName = 'STATUS_CODE_UNSET' | 'STATUS_CODE_OK' | 'STATUS_CODE_ERROR'

interface ResourceColumns {
  TenantId: string
  ServiceName: string
  ResourceAttributes: Attributes
  ResourceSchemaUrl: string
  ScopeName: string
  ScopeVersion: string
  ScopeAttributes: Attributes
}

export interface SpanRow extends ResourceColumns {
  /** span start, unix ns */
  Timestamp: bigint
  TraceId: string
  SpanId: string
  ParentSpanId: string
  TraceState: string
  TraceFlags: number
  SpanName: string
  SpanKind: SpanKindName
  SpanAttributes: Attributes
  /** end − start, ns */
  Duration: bigint
  StatusCode: StatusCodeName
  StatusMessage: string
  DroppedAttributesCount: number
  DroppedEventsCount: number
  DroppedLinksCount: number
  'Events.Timestamp': bigint[]
  'Events.Name': string[]
  'Events.Attributes': Attributes[]
  'Links.TraceId': string[]
  'Links.SpanId': string[]
  'Links.TraceState': string[]
  'Links.Attributes': Attributes[]
}

export interface LogRow extends ResourceColumns {
  /** the record's time, or its observed time when the time is absent; unix ns */
  Timestamp: bigint
  ObservedTimestamp: bigint
  TraceId: string
  SpanId: string
  TraceFlags: number
  SeverityText: string
  /** 0 (unspecified) … 24 (FATAL4), as OTLP defines it */
  SeverityNumber: number
  /** a string body as is; a structured body as JSON text (see any-value.ts) */
  Body: string
  EventName: string
  LogAttributes: Attributes
  DroppedAttributesCount: number
}

interface MetricColumns extends ResourceColumns {
  MetricName: string
  MetricDescription: string
  MetricUnit: string
  Attributes: Attributes
  /** unix ns; 0 when the point has none */
  StartTimeUnix: bigint
  TimeUnix: bigint
  Flags: number
}

/** OTLP aggregation temporality: 0 unspecified, 1 delta, 2 cumulative. */
export type AggregationTemporality = 0 | 1 | 2

export interface GaugeRow extends MetricColumns {
  Value: number
}

export interface SumRow extends MetricColumns {
  Value: number
  AggregationTemporality: AggregationTemporality
  IsMonotonic: boolean
}

export interface HistogramRow extends MetricColumns {
  Count: bigint
  Sum: number
  /** explicitBounds.length + 1 counts */
  BucketCounts: bigint[]
  ExplicitBounds: number[]
  Min: number | null
  Max: number | null
  AggregationTemporality: AggregationTemporality
}

export interface ExponentialHistogramRow extends MetricColumns {
  Count: bigint
  Sum: number
  Scale: number
  ZeroCount: bigint
  ZeroThreshold: number
  PositiveOffset: number
  PositiveBucketCounts: bigint[]
  NegativeOffset: number
  NegativeBucketCounts: bigint[]
  Min: number | null
  Max: number | null
  AggregationTemporality: AggregationTemporality
}

export interface SummaryRow extends MetricColumns {
  Count: bigint
  Sum: number
  'ValueAtQuantiles.Quantile': number[]
  'ValueAtQuantiles.Value': number[]
}

/** The rows of one metrics export request, one list per metric kind (one table each). */
export interface MetricRows {
  gauge: GaugeRow[]
  sum: SumRow[]
  histogram: HistogramRow[]
  exponentialHistogram: ExponentialHistogramRow[]
  summary: SummaryRow[]
}

export type MetricKind = keyof MetricRows

/** Table names, one per row type; the store creates them and ingest writes them. */
export const TABLES = {
  spans: 'otel_traces',
  logs: 'otel_logs',
  gauge: 'otel_metrics_gauge',
  sum: 'otel_metrics_sum',
  histogram: 'otel_metrics_histogram',
  exponentialHistogram: 'otel_metrics_exponential_histogram',
  summary: 'otel_metrics_summary',
} as const

export type TableName = (typeof TABLES)[keyof typeof TABLES]
