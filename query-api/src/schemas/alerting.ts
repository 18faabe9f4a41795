/**
 * Alert rules, channels, silences and alerts (issue #9).
 *
 * Rules (CRUD /alert-rules): a `condition` of one of four kinds —
 *   slo_burn    multi-window burn rate of an SLO; `conditions` default to the SRE workbook's
 *               (page: 1h & 5m > 14.4 or 6h & 30m > 6; ticket/info: 3d & 6h > 1)
 *   error_rate  error share of a service's entry spans over `window` above `above` (a fraction)
 *   latency     a latency quantile (default p99) over `window` above `aboveMs`
 *   error_logs  log records at or above `minSeverityNumber` (17 = ERROR) over `window` above `above`
 * Without `service`, error_rate/latency/error_logs rules watch every service, one alert series
 * per service (group label `service`). A series fires once its condition has held for
 * `forSeconds` (pending before), and resolves when it no longer holds. `labels` are added to
 * every alert of the rule (silences match them; notifications carry them).
 *
 * Channels (CRUD /channels, POST /channels/:id/test): Slack incoming webhooks, PagerDuty Events
 * API v2, signed generic webhooks. Secrets are never shown again (GET answers a redacted
 * `config`); a PUT that leaves a secret out keeps it. Destinations must pass the SSRF guard.
 *
 * Silences (CRUD /silences): alerts whose labels match every matcher between startsAt and
 * endsAt are evaluated and recorded, not notified. DELETE expires a silence.
 *
 * Alerts (GET /alerts): alert episodes — firing, and resolved within from..to — each with the
 * delivery attempts of its notifications.
 */
import { Type, type Static } from 'typebox'
import { WINDOW_PATTERN } from '../slo/windows.ts'
import { Nullable } from './common.ts'

const Id = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' })
export const IdParams = Type.Object({ id: Id })

const Service = Type.String({ minLength: 1, maxLength: 256 })
const Operation = Type.String({ minLength: 1, maxLength: 1024 })
const Window = Type.String({ pattern: WINDOW_PATTERN, description: 'whole minutes, hours or days: 5m, 1h, 3d (at most 30d)' })
export const Severity = Type.Union([Type.Literal('page'), Type.Literal('ticket'), Type.Literal('info')])

export const BurnConditionSchema = Type.Object(
  {
    long: Window,
    short: Window,
    burnRate: Type.Number({ exclusiveMinimum: 0, maximum: 100_000, description: 'both windows must burn faster than this' }),
  },
  { additionalProperties: false },
)

export const SloBurnCondition = Type.Object(
  {
    type: Type.Literal('slo_burn'),
    sloId: Id,
    conditions: Type.Optional(Type.Array(BurnConditionSchema, { minItems: 1, maxItems: 6, description: 'any one holding makes the rule active; default by severity' })),
  },
  { additionalProperties: false },
)

export const ErrorRateCondition = Type.Object(
  {
    type: Type.Literal('error_rate'),
    service: Type.Optional(Service),
    operation: Type.Optional(Operation),
    window: Window,
    above: Type.Number({ minimum: 0, maximum: 1, description: 'error rate as a fraction (0.05 = 5 %)' }),
    minRequests: Type.Optional(Type.Integer({ minimum: 0, description: 'no alert below this many requests in the window; default 1' })),
  },
  { additionalProperties: false },
)

export const LatencyCondition = Type.Object(
  {
    type: Type.Literal('latency'),
    service: Type.Optional(Service),
    operation: Type.Optional(Operation),
    window: Window,
    quantile: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'default 0.99' })),
    aboveMs: Type.Number({ exclusiveMinimum: 0 }),
    minRequests: Type.Optional(Type.Integer({ minimum: 0, description: 'default 1' })),
  },
  { additionalProperties: false },
)

export const ErrorLogsCondition = Type.Object(
  {
    type: Type.Literal('error_logs'),
    service: Type.Optional(Service),
    window: Window,
    above: Type.Integer({ minimum: 0, description: 'log records in the window' }),
    minSeverityNumber: Type.Optional(Type.Integer({ minimum: 1, maximum: 24, description: 'default 17 (ERROR)' })),
  },
  { additionalProperties: false },
)

export const RuleCondition = Type.Union([SloBurnCondition, ErrorRateCondition, LatencyCondition, ErrorLogsCondition])
export type RuleCondition = Static<typeof RuleCondition>

const LabelName = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' })
const Labels = Type.Record(LabelName, Type.String({ maxLength: 256 }), { maxProperties: 20, additionalProperties: false })

export const AlertRuleInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    severity: Severity,
    condition: RuleCondition,
    channelIds: Type.Optional(Type.Array(Id, { maxItems: 20, description: 'channels notified when a series fires and resolves; default none' })),
    enabled: Type.Optional(Type.Boolean({ description: 'default true; a disabled rule resolves its firing alerts' })),
    forSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400, description: 'how long the condition must hold before firing; default 0' })),
    labels: Type.Optional(Labels),
  },
  { additionalProperties: false },
)
export type AlertRuleInput = Static<typeof AlertRuleInput>

export const AlertRule = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.String({ description: 'condition.type' }),
  severity: Severity,
  condition: RuleCondition,
  channelIds: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  forSeconds: Type.Integer(),
  labels: Type.Record(Type.String(), Type.String()),
  version: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
})
export type AlertRule = Static<typeof AlertRule>

export const AlertRulesResponse = Type.Object({ rules: Type.Array(AlertRule) })

export const ChannelType = Type.Union([Type.Literal('slack'), Type.Literal('pagerduty'), Type.Literal('webhook')])

export const ChannelInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    type: ChannelType,
    config: Type.Record(Type.String(), Type.Unknown(), {
      description: 'slack: {url}; pagerduty: {routingKey, url?}; webhook: {url, secret (≥ 16 chars), headers?}. On PUT, a secret left out is kept.',
    }),
  },
  { additionalProperties: false },
)
export type ChannelInput = Static<typeof ChannelInput>

export const Channel = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: ChannelType,
  config: Type.Record(Type.String(), Type.Unknown(), { description: 'redacted: secrets are never shown' }),
  version: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
})
export type Channel = Static<typeof Channel>

export const ChannelsResponse = Type.Object({ channels: Type.Array(Channel) })

export const ChannelTestResult = Type.Object({
  status: Type.Union([Type.Literal('sent'), Type.Literal('failed')]),
  httpStatus: Type.Integer({ description: '0 = no answer' }),
  error: Type.String(),
})
export type ChannelTestResult = Static<typeof ChannelTestResult>

export const SilenceMatcherSchema = Type.Object(
  {
    label: LabelName,
    op: Type.Union([Type.Literal('='), Type.Literal('!=')]),
    value: Type.String({ maxLength: 256 }),
  },
  { additionalProperties: false },
)

export const SilenceInput = Type.Object(
  {
    matchers: Type.Array(SilenceMatcherSchema, { minItems: 1, maxItems: 20, description: 'all must hold; labels: alertname, severity, rule_id, service, … and rule labels' }),
    startsAt: Type.Optional(Type.String({ maxLength: 64, description: 'default now' })),
    endsAt: Type.String({ maxLength: 64 }),
    comment: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
)
export type SilenceInput = Static<typeof SilenceInput>

export const Silence = Type.Object({
  id: Type.String(),
  matchers: Type.Array(SilenceMatcherSchema),
  startsAt: Type.String(),
  endsAt: Type.String(),
  comment: Type.String(),
  createdBy: Type.String({ description: 'id of the token that wrote it' }),
  state: Type.Union([Type.Literal('pending'), Type.Literal('active'), Type.Literal('expired')]),
  version: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
})
export type Silence = Static<typeof Silence>

export const SilencesResponse = Type.Object({ silences: Type.Array(Silence) })

export const NotificationAttempt = Type.Object({
  channelId: Type.String(),
  channelName: Nullable(Type.String()),
  event: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
  attempt: Type.Integer(),
  status: Type.String({ description: 'sent | retrying | failed' }),
  httpStatus: Type.Integer(),
  error: Type.String(),
  at: Type.String(),
})

export const Alert = Type.Object({
  id: Type.String({ description: 'the id of the firing event' }),
  ruleId: Type.String(),
  ruleName: Type.String(),
  kind: Type.String(),
  severity: Type.String(),
  state: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
  alertKey: Type.String(),
  labels: Type.Record(Type.String(), Type.String()),
  summary: Type.String(),
  value: Type.Number(),
  startsAt: Type.String(),
  endsAt: Nullable(Type.String()),
  silenced: Type.Boolean({ description: 'a silence matched when it fired: nothing was notified' }),
  notifications: Type.Array(NotificationAttempt),
})
export type Alert = Static<typeof Alert>

export const AlertsResponse = Type.Object({ alerts: Type.Array(Alert) })
export type AlertsResponse = Static<typeof AlertsResponse>

export const AlertsQuery = Type.Object(
  {
    state: Type.Optional(Type.Union([Type.Literal('firing'), Type.Literal('resolved'), Type.Literal('all')], { description: 'default all' })),
    ruleId: Type.Optional(Id),
    from: Type.Optional(Type.String({ maxLength: 64, description: 'resolved alerts that ended at or after; default to − 24 h' })),
    to: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'default 100' })),
  },
  { additionalProperties: false },
)
