/**
 * Names and row shapes of the store's own tables (the signal tables' rows live in
 * @periscope/model). Field names equal column names; DateTime64 columns are unix ns bigints;
 * fields with a DEFAULT in migrations/0003_config.sql are optional on insert.
 */

/** Tables derived by materialized views (read-only for services; always re-aggregate). */
export const DERIVED_TABLES = {
  traceIndex: 'trace_index',
  goldenSignals: 'golden_signals_1m',
  goldenSignalsHourly: 'golden_signals_1h',
  logCounts: 'log_counts_1m',
} as const

export const CONFIG_TABLES = {
  tenants: 'tenants',
  apiKeys: 'api_keys',
  queryTokens: 'query_tokens',
  slos: 'slos',
  alertRules: 'alert_rules',
  channels: 'channels',
  alertState: 'alert_state',
  alertEvents: 'alert_events',
  notifications: 'notifications',
  dashboards: 'dashboards',
} as const

export type ConfigTableName = (typeof CONFIG_TABLES)[keyof typeof CONFIG_TABLES]

/** Columns of every versioned (ReplacingMergeTree) row: highest Version wins, Deleted 1 hides. */
interface Versioned {
  /** larger wins; by convention the unix ns of the change */
  Version: bigint
  Deleted?: 0 | 1
}

export interface TenantRow extends Versioned {
  TenantId: string
  Name: string
  CreatedAt: bigint
}

export interface ApiKeyRow extends Versioned {
  TenantId: string
  KeyId: string
  /** first characters of the key, for display and to narrow a lookup */
  KeyPrefix: string
  /** sha256 hex of the whole key */
  KeyHash: string
  Name: string
  CreatedAt: bigint
  /** 0n while the key is live */
  RevokedAt?: bigint
}

export type QueryTokenRole = 'admin' | 'editor' | 'viewer'

export interface QueryTokenRow extends Versioned {
  TenantId: string
  TokenId: string
  TokenPrefix: string
  TokenHash: string
  Name: string
  Role: QueryTokenRole
  CreatedAt: bigint
  RevokedAt?: bigint
}

export interface SloRow extends Versioned {
  TenantId: string
  SloId: string
  Name: string
  Description?: string
  ServiceName: string
  /** '' = every operation of the service */
  SpanName?: string
  Kind: 'availability' | 'latency'
  /** e.g. 99.9 */
  ObjectivePercent: number
  /** latency SLOs: good = Duration <= ThresholdNs */
  ThresholdNs?: bigint
  WindowDays?: number
  CreatedAt: bigint
  UpdatedAt: bigint
}

export interface AlertRuleRow extends Versioned {
  TenantId: string
  RuleId: string
  Name: string
  Kind: string
  /** JSON: what the rule evaluates (owned by the query API) */
  Definition: string
  Severity: 'page' | 'ticket' | 'info'
  ChannelIds: string[]
  Enabled?: boolean
  CreatedAt: bigint
  UpdatedAt: bigint
}

export interface ChannelRow extends Versioned {
  TenantId: string
  ChannelId: string
  Name: string
  Kind: 'slack' | 'pagerduty' | 'webhook'
  /** JSON: URL, routing key … */
  Config: string
  CreatedAt: bigint
  UpdatedAt: bigint
}

export interface AlertStateRow extends Versioned {
  TenantId: string
  RuleId: string
  /** series of a multi-series rule; '' for a single-series rule */
  AlertKey?: string
  State: 'ok' | 'pending' | 'firing'
  Since: bigint
  LastEvaluatedAt: bigint
  Value: number
}

export interface AlertEventRow {
  TenantId: string
  EventId: string
  RuleId: string
  AlertKey?: string
  Timestamp: bigint
  Kind: 'firing' | 'resolved'
  Severity: string
  Value: number
  Summary: string
  /** JSON */
  Details?: string
}

export interface NotificationRow {
  TenantId: string
  NotificationId: string
  EventId: string
  ChannelId: string
  Attempt: number
  Timestamp: bigint
  Status: 'sent' | 'failed' | 'retrying'
  /** 0 = no response */
  HttpStatus?: number
  Error?: string
}

export interface DashboardRow extends Versioned {
  TenantId: string
  DashboardId: string
  Name: string
  /** JSON of the panels */
  Definition: string
  CreatedAt: bigint
  UpdatedAt: bigint
}
