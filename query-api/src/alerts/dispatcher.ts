/**
 * Runs deliveries (one event to one channel each) in the background of the evaluator, bounded:
 * at most `maxConcurrent` at once and `maxQueued` waiting. A job that does not fit is refused
 * (enqueue answers false, counted): its event is stored, so the evaluator's redrive picks it up
 * on a later tick — back-pressure, never a silent drop.
 *
 * A job first takes the delivery's lease (lease.ts, key delivery/<event>/<channel>, lasting
 * longer than the whole retry schedule): only the holder sends, so two evaluators never deliver
 * one event to one channel twice. It reads the channel when it starts (an edited URL applies),
 * sends through the Sender (retries with backoff), records every attempt in `notifications`,
 * and stops before its lease would run out; stopping the dispatcher aborts the jobs and hands
 * their leases back at once, so the next leader resumes them without waiting for expiry.
 */
import type { Logger, SelfMetrics } from '@periscope/runtime'
import type { Store } from '@periscope/store'
import { channelOf, channelsByIdQuery } from '../notify/channel-store.ts'
import type { Sender } from '../notify/sender.ts'
import type { QueryRunner } from '../sql/query-runner.ts'
import { attemptRowOf, attemptToken, NOTIFICATIONS_TABLE, type EventRecord } from './history-store.ts'
import { acquireLease, deliveryLeaseKey, type LeaseState } from './lease.ts'
import { notificationOf } from './notification-of.ts'
import { compareAndSet } from './versioned-cas.ts'

export interface DeliveryJob {
  readonly event: EventRecord
  readonly channelId: string
  /** attempts an earlier holder already made (a resumed delivery continues the count) */
  readonly attemptsMade: number
}

export interface Dispatcher {
  /** false when the queue is full; the job is then left to a later redrive */
  enqueue(job: DeliveryJob): boolean
  /** a job for this delivery is queued or running in this process */
  has(tenantId: string, eventId: string, channelId: string): boolean
  /** resolves once nothing is queued or running */
  idle(): Promise<void>
  /** aborts running jobs (their leases are handed back), drops the queue, waits for the jobs */
  stop(): Promise<void>
}

export interface DispatcherOptions {
  readonly store: Pick<Store, 'insert'>
  readonly runner: QueryRunner
  readonly sender: Sender
  /** this evaluator in lease rows */
  readonly holder: string
  readonly nowMs: () => number
  readonly maxAttempts: number
  /** lease length: longer than the whole retry schedule (evaluator/config.ts maxDeliveryMs) */
  readonly leaseTtlMs: number
  /** one attempt's bound: an attempt starts only if it can end before the lease does */
  readonly attemptTimeoutMs: number
  readonly maxConcurrent: number
  readonly maxQueued: number
  readonly uiBaseUrl: string
  readonly logger: Logger
  readonly metrics: SelfMetrics
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { logger } = options
  const deliveries = options.metrics.counter<'outcome'>({
    name: 'periscope_alert_deliveries_total',
    help: 'deliveries of an alert event to a channel, by outcome (sent, failed, abandoned, leased_elsewhere, refused_queue_full, error)',
    labelNames: ['outcome'],
  })
  const attempts = options.metrics.counter<'type' | 'status'>({
    name: 'periscope_alert_delivery_attempts_total',
    help: 'delivery attempts by channel type and status (sent, retrying, failed)',
    labelNames: ['type', 'status'],
  })
  const recordFailures = options.metrics.counter({ name: 'periscope_alert_attempt_records_failed_total', help: 'attempts that could not be recorded in notifications' })

  const queue: DeliveryJob[] = []
  const keys = new Set<string>()
  const controller = new AbortController()
  let running = 0
  let stopped = false
  let idleWaiters: (() => void)[] = []

  const keyOf = (tenantId: string, eventId: string, channelId: string) => `${tenantId}\u0000${eventId}\u0000${channelId}`

  const settleIdle = () => {
    if (running > 0 || queue.length > 0) return
    const waiters = idleWaiters
    idleWaiters = []
    for (const resolve of waiters) resolve()
  }

  const pump = () => {
    while (!stopped && running < options.maxConcurrent && queue.length > 0) {
      const job = queue.shift()!
      running++
      void run(job)
        .catch((error: unknown) => {
          deliveries.inc({ outcome: 'error' })
          logger.warn({ err: error, eventId: job.event.eventId, channelId: job.channelId }, 'alert delivery failed to run; it is resumed by a later tick')
        })
        .finally(() => {
          running--
          keys.delete(keyOf(job.event.tenantId, job.event.eventId, job.channelId))
          pump()
          settleIdle()
        })
    }
    settleIdle()
  }

  async function run(job: DeliveryJob): Promise<void> {
    const { event, channelId } = job
    const deps = { store: options.store, runner: options.runner }
    const leaseKey = deliveryLeaseKey(event.eventId, channelId)
    const acquired = await acquireLease(deps, { tenantId: event.tenantId, key: leaseKey, holder: options.holder, nowMs: options.nowMs(), ttlMs: options.leaseTtlMs })
    if (!acquired.held) {
      deliveries.inc({ outcome: 'leased_elsewhere' })
      return
    }
    const lease = acquired.lease!
    const record = async (attempt: { attempt: number; atMs: number; status: 'sent' | 'retrying' | 'failed'; httpStatus: number; error: string }, type: string) => {
      attempts.inc({ type, status: attempt.status })
      try {
        await options.store.insert(NOTIFICATIONS_TABLE, [attemptRowOf(event.tenantId, event.eventId, channelId, attempt)], { dedupToken: attemptToken(event.eventId, channelId, attempt.attempt) })
      } catch (error) {
        recordFailures.inc()
        logger.warn({ err: error, eventId: event.eventId, channelId }, 'a delivery attempt could not be recorded')
      }
    }

    const [raw] = await options.runner.rows<Parameters<typeof channelOf>[0]>(channelsByIdQuery(event.tenantId, [channelId]), { tenantId: event.tenantId })
    if (!raw) {
      await record({ attempt: job.attemptsMade + 1, atMs: options.nowMs(), status: 'failed', httpStatus: 0, error: 'the channel was deleted' }, 'unknown')
      deliveries.inc({ outcome: 'failed' })
      return
    }
    const channel = channelOf(raw)
    const remaining = options.maxAttempts - job.attemptsMade
    if (remaining <= 0) {
      await record({ attempt: job.attemptsMade + 1, atMs: options.nowMs(), status: 'failed', httpStatus: 0, error: 'no attempts left' }, channel.type)
      deliveries.inc({ outcome: 'failed' })
      return
    }
    const result = await options.sender.deliver(
      notificationOf(event, options.uiBaseUrl),
      { tenantId: event.tenantId, channelId, type: channel.type, config: channel.config },
      {
        firstAttempt: job.attemptsMade + 1,
        maxAttempts: remaining,
        signal: controller.signal,
        mayContinue: () => options.nowMs() + options.attemptTimeoutMs < lease.expiresAtMs,
        onAttempt: (attempt) => record(attempt, channel.type),
      },
    )
    deliveries.inc({ outcome: result.status })
    if (result.status === 'abandoned') await release(event.tenantId, leaseKey, lease)
  }

  /** Hands an unfinished delivery's lease back: expired now, so the next leader resumes it. */
  async function release(tenantId: string, key: string, lease: LeaseState): Promise<void> {
    try {
      await compareAndSet(
        { store: options.store, runner: options.runner },
        { table: 'alert_leases', tenantId, key: [key], version: lease.version + 1, writer: options.holder, columns: { ExpiresAt: BigInt(options.nowMs()) * 1_000_000n } },
      )
    } catch (error) {
      logger.warn({ err: error, key }, 'a delivery lease could not be handed back; it expires on its own')
    }
  }

  return {
    enqueue(job) {
      const key = keyOf(job.event.tenantId, job.event.eventId, job.channelId)
      if (keys.has(key)) return true
      if (stopped || queue.length >= options.maxQueued) {
        deliveries.inc({ outcome: 'refused_queue_full' })
        return false
      }
      keys.add(key)
      queue.push(job)
      pump()
      return true
    },
    has(tenantId, eventId, channelId) {
      return keys.has(keyOf(tenantId, eventId, channelId))
    },
    idle() {
      if (running === 0 && queue.length === 0) return Promise.resolve()
      return new Promise((resolve) => idleWaiters.push(resolve))
    },
    async stop() {
      stopped = true
      for (const job of queue.splice(0)) keys.delete(keyOf(job.event.tenantId, job.event.eventId, job.channelId))
      controller.abort(new Error('the evaluator is stopping'))
      if (running > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve))
    },
  }
}
