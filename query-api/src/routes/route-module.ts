/**
 * What a route module gets and gives. app.ts registers every module of ROUTE_MODULES under
 * /api/v1 behind authentication; a new area (SLOs, alert rules) is one more module: a file in
 * routes/ exporting a RouteModule, its schemas in schemas/, its SQL in queries/.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify'
import type { Logger, SelfMetrics } from '@periscope/runtime'
import type { Store } from '@periscope/store'
import type { AppConfig } from '../config.ts'
import type { QueryRunner } from '../sql/query-runner.ts'

export type ApiInstance = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger, TypeBoxTypeProvider>

export interface Clock {
  /** wall-clock unix ms: default ranges, token cache, trace finality */
  nowMs(): number
}

export interface RouteContext {
  readonly config: AppConfig
  readonly runner: QueryRunner
  /** for writes (store.insert) of configuration rows */
  readonly store: Pick<Store, 'insert'>
  readonly clock: Clock
  readonly logger: Logger
  readonly metrics: SelfMetrics
  /** hourlyRollup: whether golden signals read the hour tier (false only to compare plans) */
  readonly schema: { readonly hourlyRollup: boolean }
}

export interface RouteModule {
  readonly name: string
  register(api: ApiInstance, ctx: RouteContext): void | Promise<void>
}
