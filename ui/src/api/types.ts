/**
 * Client-side types of the query API's JSON answers (`/api/v1`). The routes that exist are
 * typed by the query API itself: its route schemas' static types, taken with `import type`
 * from '@periscope/query-api/api' (erased at build time; the UI talks to the API over HTTP).
 * Wire conventions: nanosecond
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


// SLOs and alerting (issue #9): the query API's own wire types
export type { Slo, SloStatus, SloSuggestion, SloSuggestionsResponse, SlosResponse, AcceptBody } from '@periscope/query-api/api'
export type { Alert, AlertRule, AlertsResponse, Channel, ChannelTestResult, RuleCondition, Silence } from '@periscope/query-api/api'
import type { AlertRule, Channel, Silence } from '@periscope/query-api/api'
/** GET /alert-rules, /channels, /silences (the query API exports their items' types only) */
export type AlertRulesResponse = { rules: AlertRule[] }
export type ChannelsResponse = { channels: Channel[] }
export type SilencesResponse = { silences: Silence[] }

/** application/problem+json */
export interface Problem {
  title?: string
  status?: number
  detail?: string
  code?: string
}
