/**
 * Client-side types of the query API's JSON answers (`/api/v1`). The routes that exist are
 * typed by the query API itself: its route schemas' static types, taken with `import type`
 * from '@periscope/query-api/api' (erased at build time; the UI talks to the API over HTTP).
 * The SLO and alert routes (issue #9) are not there yet: their types below are written from the
 * shapes in ARCHITECTURE.md and only the fields listed are read. Wire conventions: nanosecond
 * instants and durations are decimal strings (`…UnixNano`, `…Ns`), other numbers are JSON
 * numbers, rates are fractions (errorRate 0.05 = 5 %), SLO objectives are percentages (99.9).
 */
export type {
  LatencyMs,
  ServiceSummary,
  ServicesResponse,
  SignalPoint,
  ResourceSeries,
  SignalsResponse,
  OperationSummary,
  OperationsResponse,
  TraceSummary,
  TracesResponse,
  Span,
  TraceResponse,
  LogRecord,
  LogsResponse,
  MetricSeries,
  MetricQueryResponse,
  MetricInfo,
  MetricNamesResponse,
  DashboardSummary,
  DashboardsResponse,
} from '@periscope/query-api/api'

export type Attributes = Record<string, string>
export type SpanEvent = { timeUnixNano: string; name: string; attributes: Attributes }

export const SIGNAL_KEYS = ['rps', 'errorRate', 'p50Ms', 'p90Ms', 'p95Ms', 'p99Ms', 'maxMs', 'saturation', 'utilization'] as const
export type SignalKey = (typeof SIGNAL_KEYS)[number]

export const METRIC_AGGREGATIONS = ['sum', 'avg', 'min', 'max', 'rate', 'p50', 'p90', 'p95', 'p99'] as const
export type MetricAggregation = (typeof METRIC_AGGREGATIONS)[number]

/**
 * Dashboard panels, written out here because the query API's static PanelQuery type loses its
 * literal unions (`aggregation`, `signals`, panel `type` are built with `.map(Type.Literal)`);
 * the shapes are those of query-api/src/schemas/dashboards.ts.
 */
export type PanelQuery =
  | { source: 'services' }
  | { source: 'signals'; service: string; operation?: string; signals: SignalKey[] }
  | { source: 'operations'; service: string }
  | { source: 'metrics'; name: string; aggregation?: MetricAggregation; groupBy?: string[]; labels?: Record<string, string> }
  | { source: 'logs'; q?: string; service?: string; severity?: string }
  | { source: 'traces'; service?: string; operation?: string; status?: 'ok' | 'error' | 'unset'; minDurationMs?: number }
  | { source: 'text'; markdown: string }

export type PanelType = 'timeseries' | 'stat' | 'table' | 'bar' | 'logs' | 'traces' | 'text'

export interface Panel {
  id: string
  title: string
  type: PanelType
  query: PanelQuery
  /** on the 24-column grid */
  layout: { x: number; y: number; w: number; h: number }
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
