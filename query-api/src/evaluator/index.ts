/**
 * The alert evaluator for embedders (`@periscope/query-api/evaluator`): the all-in-one starts it
 * in-process with `startEvaluatorFromConfig(config.alerting, { store, logger, metrics })`;
 * evaluator-main.ts runs it as its own process. `createEvaluator` takes its parts one by one
 * (tests inject a clock and a sender).
 */
import type { Logger, SelfMetrics } from '@periscope/runtime'
import type { Store } from '@periscope/store'
import { createEvaluator, type Evaluator, type EvaluatorClock } from '../alerts/evaluator.ts'
import { createChannelPacer } from '../notify/channel-pacer.ts'
import { createHttpPoster } from '../notify/http-post.ts'
import { createSender, sleep, type Sender } from '../notify/sender.ts'
import { createSsrfGuard, type Resolver } from '../notify/ssrf-guard.ts'
import { maxDeliveryMs, type AlertingConfig } from './config.ts'

export { createEvaluator, type Evaluator, type EvaluatorOptions, type TickResult, type EvaluatorClock } from '../alerts/evaluator.ts'
export { createSender, type Sender } from '../notify/sender.ts'
export { AlertingConfigSchema, alertingConfig, type AlertingConfig } from './config.ts'

/** The sender of notifications as configured: SSRF guard, timeouts, retries, Slack pacing. */
export function senderFromConfig(config: AlertingConfig, options: { nowMs?: () => number; resolve?: Resolver } = {}): Sender {
  const nowMs = options.nowMs ?? (() => Date.now())
  const guard = createSsrfGuard({ allow: config.ssrf.allow, ...(options.resolve ? { resolve: options.resolve } : {}) })
  return createSender({
    poster: createHttpPoster({ guard, timeoutMs: config.delivery.timeoutMs }),
    policy: {
      maxAttempts: config.delivery.maxAttempts,
      initialBackoffMs: config.delivery.initialBackoffMs,
      maxBackoffMs: config.delivery.maxBackoffMs,
      maxRetryAfterMs: config.delivery.maxRetryAfterMs,
    },
    pacer: createChannelPacer({ minIntervalMs: config.delivery.slackMinIntervalMs, nowMs: () => Date.now(), sleep }),
    nowMs,
    sleep,
  })
}

export interface EvaluatorDeps {
  readonly store: Pick<Store, 'client' | 'insert'>
  readonly logger: Logger
  /** one evaluator per registry */
  readonly metrics?: SelfMetrics
  readonly clock?: EvaluatorClock
  /** instead of the configured sender (tests) */
  readonly notifier?: Sender
}

export function evaluatorFromConfig(config: AlertingConfig, deps: EvaluatorDeps): Evaluator {
  const settings = config.evaluator
  return createEvaluator({
    store: deps.store,
    logger: deps.logger,
    notifier: deps.notifier ?? senderFromConfig(config, deps.clock ? { nowMs: deps.clock.nowMs } : {}),
    intervalMs: settings.intervalMs,
    leaseTtlMs: settings.leaseTtlMs,
    evaluationDelayMs: settings.evaluationDelayMs,
    maxRules: settings.maxRules,
    maxSeriesPerRule: settings.maxSeriesPerRule,
    redriveWindowMs: settings.redriveWindowMs,
    delivery: {
      maxAttempts: config.delivery.maxAttempts,
      leaseTtlMs: maxDeliveryMs(config.delivery),
      attemptTimeoutMs: config.delivery.timeoutMs,
      maxConcurrent: config.delivery.maxConcurrent,
      maxQueued: config.delivery.maxQueued,
    },
    links: config.links,
    ...(settings.instanceId ? { instanceId: settings.instanceId } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
  })
}

/** evaluatorFromConfig + start(): what an embedding process calls; stop() it on shutdown. */
export function startEvaluatorFromConfig(config: AlertingConfig, deps: EvaluatorDeps): Evaluator {
  const evaluator = evaluatorFromConfig(config, deps)
  evaluator.start()
  return evaluator
}
