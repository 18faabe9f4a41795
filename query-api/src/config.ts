/**
 * The query API's configuration: schema defaults < file (PERISCOPE_QUERY_API_CONFIG_FILE, YAML or
 * JSON) < environment (PERISCOPE_QUERY_API_<SECTION>_<KEY>, e.g. PERISCOPE_QUERY_API_HTTP_PORT,
 * PERISCOPE_QUERY_API_LIMITS_MAX_EXECUTION_TIME_MS). Validated and frozen by @periscope/runtime's
 * loadConfig; every violation is listed at once. This is the only query-api file that reads
 * process.env.
 */
import { Type, type Static } from 'typebox'
import { loadConfig } from '@periscope/runtime'
import { StoreConfigSchema } from '@periscope/store'
import { AlertingConfigSchema } from './evaluator/config.ts'

const DAY_MS = 24 * 3600_000

export const HttpSchema = Type.Object(
  {
    host: Type.String({ default: '0.0.0.0' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
    bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 16 << 20, default: 1 << 20, description: 'largest accepted request body (dashboards)' }),
  },
  { additionalProperties: false, default: {} },
)

/** Query guards: what one request may ask of the engine. */
export const LimitsSchema = Type.Object(
  {
    maxRangeMs: Type.Integer({ minimum: 60_000, default: 31 * DAY_MS, description: 'widest from..to a query may span; wider answers 400' }),
    defaultRangeMs: Type.Integer({ minimum: 1000, default: 3600_000, description: 'range used when `from` is absent' }),
    maxExecutionTimeMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 15_000, description: 'engine time per statement; beyond it the request answers 504' }),
    maxResultRows: Type.Integer({ minimum: 100, default: 200_000, description: 'rows one statement may return; beyond it the request answers 422' }),
    maxConcurrentPerTenant: Type.Integer({ minimum: 1, default: 4, description: 'statements of one tenant running at once' }),
    maxQueuedPerTenant: Type.Integer({ minimum: 0, default: 32, description: 'statements of one tenant waiting for a slot; beyond it 429' }),
    maxQueueWaitMs: Type.Integer({ minimum: 1, default: 10_000, description: 'longest wait for a slot before 429' }),
    maxTrackedTenants: Type.Integer({ minimum: 1, default: 10_000 }),
    defaultPageSize: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
    maxPageSize: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }),
    maxSpansPerTrace: Type.Integer({ minimum: 1, default: 20_000 }),
    maxLogsPerTrace: Type.Integer({ minimum: 0, default: 5_000 }),
    maxSeriesPoints: Type.Integer({ minimum: 10, maximum: 5000, default: 300, description: 'points per series; the step is chosen to stay at or below it' }),
    maxSeries: Type.Integer({ minimum: 1, default: 100, description: 'series one metrics query may return' }),
  },
  { additionalProperties: false, default: {} },
)

export const RollupsSchema = Type.Object(
  {
    minRangeMs: Type.Integer({
      minimum: 60_000,
      default: 600_000,
      description: 'golden signals over at least this range read the per-minute rollups for the whole minutes inside it',
    }),
  },
  { additionalProperties: false, default: {} },
)

export const TracesSchema = Type.Object(
  {
    finishedAfterMs: Type.Integer({
      minimum: 1000,
      default: 600_000,
      description: 'a trace whose last span ended this long ago is final: immutable, cached with a long max-age',
    }),
    logMarginMs: Type.Integer({ minimum: 0, default: 60_000, description: "logs of a trace are read within its time slice widened by this much" }),
  },
  { additionalProperties: false, default: {} },
)

export const CacheSchema = Type.Object(
  {
    aggregateMaxAgeSeconds: Type.Integer({ minimum: 0, default: 10, description: 'max-age of aggregates and searches' }),
    finishedTraceMaxAgeSeconds: Type.Integer({ minimum: 0, default: 86_400 }),
  },
  { additionalProperties: false, default: {} },
)

export const TokensSchema = Type.Object(
  {
    cacheTtlMs: Type.Integer({ minimum: 1, maximum: 60_000, default: 30_000, description: 'a revoked token works at most this long' }),
    negativeCacheTtlMs: Type.Integer({ minimum: 0, maximum: 60_000, default: 5_000 }),
    cacheMaxEntries: Type.Integer({ minimum: 1, default: 10_000 }),
  },
  { additionalProperties: false, default: {} },
)

/**
 * Host and runtime metrics joined to a service's golden signals by host.name / k8s.pod.name.
 * Each entry names a gauge; a point's value is summed over its non-idle `state` attribute values
 * and averaged over its `cpu` attribute values, so both a single busy-fraction gauge and the
 * per-cpu-per-state `system.cpu.utilization` of the OpenTelemetry host metrics read as a fraction.
 */
export const ResourcesSchema = Type.Object(
  {
    utilization: Type.Array(Type.String({ minLength: 1 }), {
      default: ['system.cpu.utilization', 'system.memory.utilization', 'process.cpu.utilization'],
      maxItems: 10,
    }),
    saturation: Type.Array(Type.String({ minLength: 1 }), {
      default: ['system.cpu.load_average.1m', 'nodejs.eventloop.delay.p99', 'system.filesystem.utilization'],
      maxItems: 10,
    }),
    maxHosts: Type.Integer({ minimum: 1, default: 200, description: 'hosts and pods of one service considered' }),
  },
  { additionalProperties: false, default: {} },
)

export const QueryApiConfigSchema = Type.Object(
  {
    http: HttpSchema,
    limits: LimitsSchema,
    rollups: RollupsSchema,
    traces: TracesSchema,
    cache: CacheSchema,
    tokens: TokensSchema,
    resources: ResourcesSchema,
    alerting: AlertingConfigSchema,
    store: StoreConfigSchema,
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info' },
    ),
    shutdownTimeoutMs: Type.Integer({ minimum: 1000, default: 30_000 }),
  },
  { additionalProperties: false },
)

export type QueryApiConfig = Static<typeof QueryApiConfigSchema>
/** The part of the config the HTTP app uses (the store is passed in already open). */
export type AppConfig = Omit<QueryApiConfig, 'store' | 'logLevel' | 'shutdownTimeoutMs' | 'http'> & { http?: QueryApiConfig['http'] }

const FILE_VARIABLE = 'PERISCOPE_QUERY_API_CONFIG_FILE'

function warnings(config: QueryApiConfig): string[] {
  const out: string[] = []
  if (config.limits.maxQueueWaitMs > config.limits.maxExecutionTimeMs * 4) {
    out.push(
      `limits.maxQueueWaitMs (${config.limits.maxQueueWaitMs}) is over four times limits.maxExecutionTimeMs ` +
        `(${config.limits.maxExecutionTimeMs}); clients will wait long before a 429 — consider lowering it`,
    )
  }
  if (config.limits.defaultRangeMs > config.limits.maxRangeMs) {
    out.push(`limits.defaultRangeMs exceeds limits.maxRangeMs; a request without \`from\` would be refused — lower limits.defaultRangeMs`)
  }
  return out
}

export function loadQueryApiConfig(env: Readonly<Record<string, string | undefined>> = process.env): QueryApiConfig {
  return loadConfig(QueryApiConfigSchema, {
    env,
    envPrefix: 'PERISCOPE_QUERY_API',
    file: env[FILE_VARIABLE],
    ignoreEnv: [FILE_VARIABLE, 'PERISCOPE_QUERY_API_URL'],  // the UI's variable, not ours
    warnings,
  })
}

/** Every default, for tests and embedders that build the app without loading the environment. */
export function defaultAppConfig(overrides: { [K in keyof AppConfig]?: Partial<AppConfig[K]> } = {}): AppConfig {
  const config = loadConfig(QueryApiConfigSchema, {
    env: {},
    envPrefix: 'PERISCOPE_QUERY_API',
    overrides: { store: { mode: 'embedded', path: '/unused' } },
  })
  return {
    http: { ...config.http, ...overrides.http },
    limits: { ...config.limits, ...overrides.limits },
    rollups: { ...config.rollups, ...overrides.rollups },
    traces: { ...config.traces, ...overrides.traces },
    cache: { ...config.cache, ...overrides.cache },
    tokens: { ...config.tokens, ...overrides.tokens },
    resources: { ...config.resources, ...overrides.resources },
    alerting: { ...config.alerting, ...overrides.alerting },
  }
}
