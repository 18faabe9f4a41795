/**
 * Client-side types of the query API's JSON answers (`/api/v1`), written from the contract in
 * ARCHITECTURE.md and the query API's route schemas (query-api/src/schemas/*.ts). They are
 * declared here rather than imported because @periscope/query-api exports only its app, and the
 * UI talks to it over HTTP like any other client. Wire conventions: nanosecond instants and
 * durations are decimal strings (`…UnixNano`, `…Ns`), other numbers are JSON numbers, rates are
 * fractions (errorRate 0.05 = 5 %), SLO objectives are percentages (99.9).
 */

export interface LatencyMs {
  p50: number | null
  p90: number | null
  p95: number | null
  p99: number | null
  max: number | null
}

export interface ServiceSummary {
  name: string
  requests: number
  errors: number
  rps: number
  errorRate: number
  meanMs: number | null
  latencyMs: LatencyMs
  errorLatencyMs: LatencyMs
}

export interface ServicesResponse {
  services: ServiceSummary[]
}

export interface SignalPoint {
  /** bucket start, unix ms */
  t: number
  requests: number
  errors: number
  rps: number
  errorRate: number
  p50Ms: number | null
  p90Ms?: number | null
  p95Ms: number | null
  p99Ms: number | null
  maxMs?: number | null
  errorLatencyMs?: LatencyMs
}

export interface ResourceSeries {
  metric: string
  points: { t: number; value: number | null }[]
}

export interface SignalsResponse {
  service: string
  stepMs: number
  points: SignalPoint[]
  saturation: ResourceSeries[]
  utilization: ResourceSeries[]
  hosts: string[]
  pods: string[]
}

export interface OperationSummary {
  name: string
  requests: number
  errors: number
  rps: number
  errorRate: number
  p50Ms: number | null
  p95Ms: number | null
  p99Ms: number | null
  /** mean duration × calls, ms */
  impact: number
  /** impact as a fraction of the service's total */
  impactShare?: number
}

export interface OperationsResponse {
  operations: OperationSummary[]
}

export interface TraceSummary {
  traceId: string
  rootService: string
  rootName: string
  startTimeUnixNano: string
  durationNs: string
  spanCount: number
  errorCount: number
  services: string[]
}

export interface TracesResponse {
  traces: TraceSummary[]
  nextCursor: string | null
}

export type Attributes = Record<string, string>

export interface SpanEvent {
  timeUnixNano: string
  name: string
  attributes: Attributes
}

export interface SpanLink {
  traceId: string
  spanId: string
  attributes: Attributes
}

export interface Span {
  spanId: string
  /** '' for a root span */
  parentSpanId: string
  service: string
  name: string
  /** SERVER, CLIENT, INTERNAL, PRODUCER, CONSUMER */
  kind: string
  startTimeUnixNano: string
  durationNs: string
  /** OK, ERROR, UNSET */
  statusCode: string
  statusMessage: string
  attributes: Attributes
  resource: Attributes
  events: SpanEvent[]
  links?: SpanLink[]
}

export interface LogRecord {
  timeUnixNano: string
  severityText: string
  severityNumber: number
  service: string
  body: string
  traceId: string
  spanId: string
  attributes: Attributes
  resource?: Attributes
}

export interface TraceResponse {
  traceId: string
  spans: Span[]
  logs: LogRecord[]
  truncated?: boolean
}

export interface LogsResponse {
  logs: LogRecord[]
  nextCursor: string | null
}

export interface MetricSeries {
  labels: Record<string, string>
  points: { t: number; value: number | null }[]
}

export interface MetricQueryResponse {
  name: string
  kind: string
  aggregation: string
  unit: string
  stepMs: number
  series: MetricSeries[]
  truncated: boolean
}

export interface MetricInfo {
  name: string
  kind: string
  unit: string
  description: string
  monotonic: boolean
}

export interface MetricNamesResponse {
  metrics: MetricInfo[]
}

export const SIGNAL_KEYS = ['rps', 'errorRate', 'p50Ms', 'p90Ms', 'p95Ms', 'p99Ms', 'maxMs', 'saturation', 'utilization'] as const
export type SignalKey = (typeof SIGNAL_KEYS)[number]

export const METRIC_AGGREGATIONS = ['sum', 'avg', 'min', 'max', 'rate', 'p50', 'p90', 'p95', 'p99'] as const

/** What a dashboard panel draws: the query API route it calls (query-api/src/schemas/dashboards.ts). */
export type PanelQuery =
  | { source: 'services' }
  | { source: 'signals'; service: string; operation?: string; signals: SignalKey[] }
  | { source: 'operations'; service: string }
  | { source: 'metrics'; name: string; aggregation?: (typeof METRIC_AGGREGATIONS)[number]; groupBy?: string[]; labels?: Record<string, string> }
  | { source: 'logs'; q?: string; service?: string; severity?: string }
  | { source: 'traces'; service?: string; operation?: string; status?: 'ok' | 'error' | 'unset'; minDurationMs?: number }
  | { source: 'text'; markdown: string }

export type PanelType = 'timeseries' | 'stat' | 'table' | 'bar' | 'logs' | 'traces' | 'text'

export interface PanelLayout {
  /** 24-column grid */
  x: number
  y: number
  w: number
  h: number
}

export interface Panel {
  id: string
  title: string
  type: PanelType
  query: PanelQuery
  layout: PanelLayout
  unit?: string
}

export interface DashboardDefinition {
  name: string
  description?: string
  tags?: string[]
  timeRange?: { from: string; to: string }
  refreshSeconds?: number
  panels: Panel[]
}

export interface Dashboard extends DashboardDefinition {
  id: string
  version: string
  createdAt: string
  updatedAt: string
}

export interface DashboardSummary {
  id: string
  name: string
  description: string
  tags: string[]
  panelCount: number
  version: string
  createdAt: string
  updatedAt: string
}

export interface DashboardsResponse {
  dashboards: DashboardSummary[]
}

/** GET /slos */
export interface Slo {
  id: string
  name: string
  service: string
  /** availability or latency */
  sli: 'availability' | 'latency' | string
  /** percent, e.g. 99.9 */
  objective: number
  /** latency SLI threshold */
  thresholdMs?: number
  /** the SLO's rolling window, e.g. "30d" or ms */
  window?: string | number
}

export interface SloStatus {
  sli: number | null
  objective: number
  errorBudget: { total: number; consumed: number; remaining: number }
  burnRates: Partial<Record<'5m' | '30m' | '1h' | '6h' | '1d' | '3d', number | null>>
}

export interface SloSuggestion {
  service: string
  sli: 'availability' | 'latency' | string
  objective: number
  thresholdMs?: number
  name?: string
  reason?: string
}

export interface AlertRule {
  id: string
  name: string
  /** free-form: the query or SLO the rule watches */
  expr?: string
  sloId?: string
  severity?: string
  channels?: string[]
  enabled?: boolean
}

export interface Channel {
  id: string
  name: string
  /** slack, pagerduty, webhook */
  type: string
}

export interface AlertEvent {
  id: string
  ruleId?: string
  ruleName?: string
  /** firing or resolved */
  state: string
  severity?: string
  startsAt: string
  endsAt?: string | null
  summary?: string
  notifications?: { channel: string; status: string; at?: string }[]
}

/** application/problem+json */
export interface Problem {
  title?: string
  status?: number
  detail?: string
  code?: string
}
