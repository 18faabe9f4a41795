/**
 * The query API's HTTP app. `build(deps)` wires it and never listens (main.ts does), so tests
 * drive it with app.inject().
 *
 *   /healthz /readyz /metrics         operational routes (runtime), no token
 *   /api/v1/openapi.json              the OpenAPI 3 document of every route, no token
 *   /api/v1/…                         ROUTE_MODULES, each behind the bearer-token hook
 *
 * A request's path: onRequest resolves the token to tenant and role (401/403/503) → schema
 * validation of params/query/body (400) → the handler, whose statements go through the query
 * runner (tenant semaphore 429, max_execution_time 504, row cap 422) → problem+json on error.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync, type RawServerDefault } from 'fastify'
import swagger from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { problemNotFoundHandler, registerOperationalRoutes, type Logger, type SelfMetrics } from '@periscope/runtime'
import type { Store } from '@periscope/store'
import { registerAuth } from './auth/auth-hook.ts'
import { createStoreTokenSource } from './auth/token-store.ts'
import { createTokenResolver, type TokenResolver } from './auth/token-resolver.ts'
import type { AppConfig } from './config.ts'
import { queryApiErrorHandler } from './http/error-handler.ts'
import { dashboardsRoutes } from './routes/dashboards.ts'
import { logsRoutes } from './routes/logs.ts'
import { metricsRoutes } from './routes/metrics.ts'
import type { ApiInstance, Clock, RouteContext, RouteModule } from './routes/route-module.ts'
import { servicesRoutes } from './routes/services.ts'
import { tokensRoutes } from './routes/tokens.ts'
import { tracesRoutes } from './routes/traces.ts'
import { sloRoutes } from './routes/slos.ts'
import { alertRuleRoutes } from './routes/alert-rules.ts'
import { channelRoutes } from './routes/channels.ts'
import { alertsRoutes } from './routes/alerts.ts'
import { silenceRoutes } from './routes/silences.ts'
import { createQueryRunner, type QueryRunner } from './sql/query-runner.ts'
import { createTenantLimiter } from './sql/tenant-limiter.ts'

/** Every area of the API; SLOs and alert rules are appended here as their modules land. */
export const ROUTE_MODULES: readonly RouteModule[] = [servicesRoutes, tracesRoutes, logsRoutes, metricsRoutes, dashboardsRoutes, tokensRoutes, sloRoutes, alertRuleRoutes, channelRoutes, alertsRoutes, silenceRoutes]

export const API_PREFIX = '/api/v1'

const AUTH_CONCURRENCY = 4
const AUTH_QUEUE = 256

export interface QueryApiDeps {
  config: AppConfig
  logger: Logger
  store: Pick<Store, 'client' | 'insert'>
  metrics: SelfMetrics
  clock?: Clock
  /** defaults to a resolver over the store's query_tokens table with config.tokens */
  tokens?: TokenResolver
  /** route modules registered after ROUTE_MODULES (e.g. by an embedder or a test) */
  extraRoutes?: readonly RouteModule[]
  /** hourlyRollup false: plan golden signals from minute rollups only (tests and the query
   *  bench compare both plans over one store); the hour tier is otherwise always read */
  schema?: { hourlyRollup?: boolean }
}

export interface QueryApi extends FastifyInstance {
  /** the runner every route uses (for modules registered later and for tests) */
  readonly runner: QueryRunner
}

export async function build(deps: QueryApiDeps): Promise<ApiInstance> {
  const { config, logger, store } = deps
  const clock = deps.clock ?? { nowMs: () => Date.now() }
  let closing = false

  const base = Fastify({
    loggerInstance: logger,
    // a line per request would be a debug line per event; metrics count statements instead
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    bodyLimit: config.http?.bodyLimitBytes ?? 1 << 20,
    // path parameters are names and ids; longer ones are a client bug or an attack
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 512 },
    // unknown properties are refused (400), not silently dropped: a misspelt filter must not
    // widen a query, and stripping inside anyOf branches would corrupt valid bodies
    ajv: { customOptions: { removeAdditional: false } },
  })
  const app: ApiInstance = base.withTypeProvider<TypeBoxTypeProvider>()

  app.setErrorHandler(queryApiErrorHandler(logger))
  app.setNotFoundHandler(problemNotFoundHandler)
  app.addHook('preClose', async () => {
    closing = true
  })

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Periscope query API',
        version: '1.0.0',
        description:
          'Golden signals, traces, logs, metrics and dashboards of one tenant (chosen by the bearer token). ' +
          'Times: `from`/`to` as unix ms or RFC 3339; nanosecond values as decimal strings; rates as fractions. ' +
          'Errors are application/problem+json.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  })

  registerOperationalRoutes(base as unknown as FastifyInstance, {
    metrics: deps.metrics,
    ready: async () => {
      if (closing) return { ready: false, reason: 'shutting down' }
      const ping = await store.client.ping()
      return ping.success ? true : { ready: false, reason: 'the store does not answer' }
    },
  })

  const limiter = createTenantLimiter({
    maxConcurrent: config.limits.maxConcurrentPerTenant,
    maxQueued: config.limits.maxQueuedPerTenant,
    maxWaitMs: config.limits.maxQueueWaitMs,
    maxTenants: config.limits.maxTrackedTenants,
  })
  const runner = createQueryRunner({ store, limiter, limits: config.limits, metrics: deps.metrics, logger })
  // token lookups run before any tenant is known: they get their own bounded slots, so neither
  // a tenant's queries nor a flood of made-up tokens can starve authentication of the others
  const authRunner = createQueryRunner({
    store,
    limiter: createTenantLimiter({ maxConcurrent: AUTH_CONCURRENCY, maxQueued: AUTH_QUEUE, maxWaitMs: config.limits.maxQueueWaitMs, maxTenants: 2 }),
    limits: config.limits,
    metrics: deps.metrics,
    logger,
    metricPrefix: 'periscope_query_api_auth',
  })
  const tokens =
    deps.tokens ??
    createTokenResolver({
      source: createStoreTokenSource(authRunner),
      nowMs: clock.nowMs,
      ttlMs: config.tokens.cacheTtlMs,
      negativeTtlMs: config.tokens.negativeCacheTtlMs,
      maxEntries: config.tokens.cacheMaxEntries,
    })
  const ctx: RouteContext = { config, runner, store, clock, logger, metrics: deps.metrics, schema: { hourlyRollup: deps.schema?.hourlyRollup ?? true } }

  const apiPlugin: FastifyPluginAsync<Record<never, never>, RawServerDefault, TypeBoxTypeProvider, Logger> = async (api) => {
    registerAuth(api as unknown as FastifyInstance, { tokens, logger })
    api.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger())
    for (const module of [...ROUTE_MODULES, ...(deps.extraRoutes ?? [])]) await module.register(api, ctx)
  }
  await app.register(apiPlugin, { prefix: API_PREFIX })
  app.decorate('runner', runner)
  return app
}
