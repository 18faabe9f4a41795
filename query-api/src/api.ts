/**
 * The query API's wire types and route schemas, for clients (the UI takes them with
 * `import type { … } from '@periscope/query-api/api'`) and for embedders (createQueryToken).
 */
export type { LatencyMs, SignalSource } from './schemas/common.ts'
export type {
  OperationSummary,
  OperationsResponse,
  ResourceSeries,
  ServiceSummary,
  ServicesResponse,
  SignalPoint,
  SignalsResponse,
} from './schemas/services.ts'
export type { Span, TraceResponse, TraceSummary, TracesResponse } from './schemas/traces.ts'
export type { LogRecord, LogsResponse } from './schemas/logs.ts'
export type { MetricInfo, MetricNamesResponse, MetricQueryResponse, MetricSeries } from './schemas/metrics.ts'
export type { Dashboard, DashboardDefinition, DashboardSummary, DashboardsResponse, Panel, PanelQuery } from './schemas/dashboards.ts'
export type { CreatedTokenResponse, TokenInfo, TokensResponse } from './schemas/tokens.ts'
export type { Role } from './auth/query-token.ts'
export type { Slo, SloInput, SloStatus, SloSuggestion, SloSuggestionsResponse, SlosResponse, AcceptBody } from './schemas/slos.ts'
export type { Alert, AlertRule, AlertRuleInput, AlertsResponse, Channel, ChannelInput, ChannelTestResult, RuleCondition, Silence, SilenceInput } from './schemas/alerting.ts'
export { createQueryToken, revokeQueryToken, type CreatedToken, type CreateTokenOptions } from './auth/token-store.ts'
