/**
 * The one way the query API runs SQL. Query modules (src/queries/*.ts) produce an `SqlQuery`:
 * fixed SQL text with `{name:Type}` placeholders and the values in `params`; nothing from a
 * request is ever spliced into the text. The runner adds the guards every statement carries:
 *
 *   SETTINGS max_execution_time = {guard_maxExecutionTimeS:Float64},
 *            max_result_rows = {guard_maxResultRows:UInt64}, result_overflow_mode = 'throw'
 *
 * (in the statement rather than as client settings: the embedded engine turns client settings
 * into session-wide SETs that other statements of the process would inherit), takes a slot of
 * the tenant's semaphore (tenant-limiter.ts), and turns engine failures into answers:
 * TIMEOUT_EXCEEDED (159) → 504, TOO_MANY_ROWS_OR_BYTES (396) → 422, full queue → 429.
 *
 * Invariant checked on every call: a tenant-scoped query names `{tenantId:String}` in its text
 * and carries the caller's tenant in params — a query module cannot forget the tenant filter.
 */
import type { Store } from '@periscope/store'
import type { Logger, SelfMetrics } from '@periscope/runtime'
import { QueryAborted, QueryTimeout, ResultTooLarge, StoreFailed, TooManyQueries, withRetryAfter } from '../errors.ts'
import type { TenantLimiter } from './tenant-limiter.ts'

export interface SqlQuery {
  /** stable, bounded name ('services.summary'); a metric label and a log field */
  readonly name: string
  readonly sql: string
  readonly params: Readonly<Record<string, unknown>>
  /** true only for the token lookup, which runs before any tenant is known */
  readonly unscoped?: boolean
}

export interface QueryContext {
  readonly tenantId: string
  /** aborts the statement (e.g. when the client goes away) */
  readonly signal?: AbortSignal | undefined
}

export interface QueryRunner {
  rows<T>(query: SqlQuery, context: QueryContext): Promise<T[]>
}

export interface QueryRunnerOptions {
  store: Pick<Store, 'client'>
  limiter: TenantLimiter
  limits: { maxExecutionTimeMs: number; maxResultRows: number }
  metrics: SelfMetrics
  logger: Logger
  nowMs?: () => number
  /** metric name prefix, so two runners in one registry do not collide */
  metricPrefix?: string
}

export const GUARD_SETTINGS =
  "SETTINGS max_execution_time = {guard_maxExecutionTimeS:Float64}, max_result_rows = {guard_maxResultRows:UInt64}, result_overflow_mode = 'throw'"

const TENANT_PLACEHOLDER = '{tenantId:String}'

/** ClickHouse error codes the runner answers specially. */
const CH_TIMEOUT_EXCEEDED = '159'
const CH_TOO_MANY_ROWS_OR_BYTES = '396'
const CH_QUERY_WAS_CANCELLED = '394'

export function createQueryRunner(options: QueryRunnerOptions): QueryRunner {
  const { store, limiter, limits, logger } = options
  const nowMs = options.nowMs ?? (() => performance.now())
  const prefix = options.metricPrefix ?? 'periscope_query_api'
  const statements = options.metrics.counter<'query' | 'outcome'>({
    name: `${prefix}_statements_total`,
    help: 'SQL statements by query module and outcome (ok, timeout, too_large, rejected, aborted, failed)',
    labelNames: ['query', 'outcome'],
  })
  const duration = options.metrics.histogram<'query'>({
    name: `${prefix}_statement_duration_seconds`,
    help: 'engine time of SQL statements, by query module',
    labelNames: ['query'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  })
  const waited = options.metrics.counter<'reason'>({
    name: `${prefix}_limiter_rejections_total`,
    help: 'statements refused by the per-tenant concurrency limit, by reason',
    labelNames: ['reason'],
  })

  return {
    async rows<T>(query: SqlQuery, context: QueryContext): Promise<T[]> {
      if (!query.unscoped && (!query.sql.includes(TENANT_PLACEHOLDER) || query.params.tenantId !== context.tenantId)) {
        throw new Error(`query ${query.name} is not scoped to the caller's tenant`)
      }
      const slot = await limiter.acquire(context.tenantId, context.signal)
      if (!slot.ok) {
        waited.inc({ reason: slot.reason })
        statements.inc({ query: query.name, outcome: slot.reason === 'aborted' ? 'aborted' : 'rejected' })
        if (slot.reason === 'aborted') throw new QueryAborted(query.name)
        const why = slot.reason === 'queue_full' ? 'all query slots and the queue are in use' : slot.reason === 'wait_timeout' ? 'no query slot became free in time' : 'too many tenants are querying'
        throw withRetryAfter(new TooManyQueries(`${why} for this tenant; retry later`), slot.retryAfterMs)
      }
      const startedMs = nowMs()
      try {
        const result = await store.client.query({
          query: `${query.sql}\n${GUARD_SETTINGS}`,
          query_params: {
            ...query.params,
            guard_maxExecutionTimeS: limits.maxExecutionTimeMs / 1000,
            guard_maxResultRows: limits.maxResultRows,
          },
          format: 'JSONEachRow',
          ...(context.signal ? { abort_signal: context.signal } : {}),
        })
        const rows = await result.json<T>()
        statements.inc({ query: query.name, outcome: 'ok' })
        return rows
      } catch (error) {
        const code = (error as { code?: unknown }).code
        if (code === CH_TIMEOUT_EXCEEDED) {
          statements.inc({ query: query.name, outcome: 'timeout' })
          logger.warn({ query: query.name, tenantId: context.tenantId }, 'query timed out')
          throw new QueryTimeout(limits.maxExecutionTimeMs, { cause: error })
        }
        if (code === CH_TOO_MANY_ROWS_OR_BYTES) {
          statements.inc({ query: query.name, outcome: 'too_large' })
          throw new ResultTooLarge(limits.maxResultRows, { cause: error })
        }
        if (context.signal?.aborted || code === CH_QUERY_WAS_CANCELLED) {
          statements.inc({ query: query.name, outcome: 'aborted' })
          throw new QueryAborted(query.name, { cause: error })
        }
        statements.inc({ query: query.name, outcome: 'failed' })
        throw new StoreFailed(query.name, { cause: error })
      } finally {
        duration.observe({ query: query.name }, (nowMs() - startedMs) / 1000)
        slot.release()
      }
    },
  }
}
