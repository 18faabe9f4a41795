/**
 * Alerting settings: the `alerting` section of the query API's configuration (config.ts), read
 * by both processes that use it — the API (channel checks, test messages) and the evaluator
 * (evaluator-main.ts, or in-process in the all-in-one). Env names follow the query API's
 * prefix: PERISCOPE_QUERY_API_ALERTING_SSRF_ALLOW=127.0.0.1,10.0.0.0/8,
 * PERISCOPE_QUERY_API_ALERTING_EVALUATOR_INTERVAL_MS=30000, … This file defines the schema and
 * reads no environment itself.
 */
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'

export const EvaluatorSchema = Type.Object(
  {
    intervalMs: Type.Integer({ minimum: 1000, maximum: 600_000, default: 30_000, description: 'time between evaluations of every rule' }),
    leaseTtlMs: Type.Integer({
      minimum: 2000,
      default: 90_000,
      description:
        'how long the leader lease lasts without renewal (it is renewed every tick, so keep it above intervalMs: 3× by default); a standby takes over at most this long after a leader dies, at once after a clean stop',
    }),
    instanceId: Type.String({ maxLength: 128, default: '', description: 'this evaluator in leases and alert_state.Writer; default <hostname>-<pid>' }),
    evaluationDelayMs: Type.Integer({ minimum: 0, maximum: 600_000, default: 0, description: 'windows end this long before now, to leave ingest time to land spans' }),
    maxRules: Type.Integer({ minimum: 1, default: 10_000, description: 'rules evaluated per tick (all tenants); more are skipped and counted' }),
    maxSeriesPerRule: Type.Integer({ minimum: 1, default: 500, description: 'alert series one rule may produce (e.g. services of a rule over all services)' }),
    redriveWindowMs: Type.Integer({ minimum: 60_000, default: 86_400_000, description: 'deliveries abandoned by a stopped evaluator are resumed when their event is at most this old' }),
    httpHost: Type.String({ default: '0.0.0.0' }),
    httpPort: Type.Integer({ minimum: 0, maximum: 65535, default: 8081, description: '/healthz /readyz /metrics of the evaluator process' }),
  },
  { additionalProperties: false, default: {} },
)

export const DeliverySchema = Type.Object(
  {
    maxAttempts: Type.Integer({ minimum: 1, maximum: 20, default: 6, description: 'attempts per notification and channel' }),
    initialBackoffMs: Type.Integer({ minimum: 1, default: 1000, description: 'wait after the first failed attempt; doubles after each' }),
    maxBackoffMs: Type.Integer({ minimum: 1, default: 60_000 }),
    maxRetryAfterMs: Type.Integer({ minimum: 0, default: 60_000, description: "longest Retry-After (Slack's 429) honoured" }),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000, description: 'one attempt, connection to answer' }),
    slackMinIntervalMs: Type.Integer({ minimum: 0, default: 1000, description: 'least time between two messages to one Slack channel' }),
    maxConcurrent: Type.Integer({ minimum: 1, default: 8, description: 'deliveries in flight at once' }),
    maxQueued: Type.Integer({ minimum: 0, default: 1000, description: 'deliveries waiting; beyond it they are left to the next tick (counted)' }),
  },
  { additionalProperties: false, default: {} },
)

export const SsrfSchema = Type.Object(
  {
    allow: Type.Array(Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9.:/-]+$', description: 'a host name, an IP address or a CIDR range' }), {
      default: [],
      maxItems: 100,
      description: 'host names, IP addresses or CIDR ranges notifications may reach although they are internal (loopback, private, link-local)',
    }),
  },
  { additionalProperties: false, default: {} },
)

export const LinksSchema = Type.Object(
  {
    uiBaseUrl: Type.String({ pattern: '^https?://', default: 'http://localhost:3000', description: 'where notifications link to (service pages, traces, alerts)' }),
    exampleTraces: Type.Integer({ minimum: 0, maximum: 10, default: 3, description: 'failing traces linked from a firing notification' }),
  },
  { additionalProperties: false, default: {} },
)

export const AlertingConfigSchema = Type.Object(
  {
    evaluator: EvaluatorSchema,
    delivery: DeliverySchema,
    ssrf: SsrfSchema,
    links: LinksSchema,
  },
  { additionalProperties: false, default: {} },
)

export type AlertingConfig = Static<typeof AlertingConfigSchema>
export type EvaluatorSettings = Static<typeof EvaluatorSchema>
export type DeliverySettings = Static<typeof DeliverySchema>

type Overrides = { [K in keyof AlertingConfig]?: Partial<AlertingConfig[K]> }

/** Every default, with overrides per section (tests and embedders). */
export function alertingConfig(overrides: Overrides = {}): AlertingConfig {
  const defaults = Value.Default(AlertingConfigSchema, {}) as AlertingConfig
  return {
    evaluator: { ...defaults.evaluator, ...overrides.evaluator },
    delivery: { ...defaults.delivery, ...overrides.delivery },
    ssrf: { ...defaults.ssrf, ...overrides.ssrf },
    links: { ...defaults.links, ...overrides.links },
  }
}

/**
 * Longest a delivery can take, so a lease on it can outlast it: every attempt timing out, every
 * wait at its longest (backoff or Retry-After), a Slack slot per attempt, plus a margin.
 */
export function maxDeliveryMs(delivery: DeliverySettings): number {
  const longestWait = Math.max(delivery.maxBackoffMs, delivery.maxRetryAfterMs)
  return delivery.maxAttempts * (delivery.timeoutMs + delivery.slackMinIntervalMs) + (delivery.maxAttempts - 1) * longestWait + 30_000
}
