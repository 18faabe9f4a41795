/**
 * Delivers one notification to one channel: render → (pace) → guarded POST → classify, with
 * bounded exponential backoff between attempts (retry-policy.ts). Every attempt is reported to
 * `onAttempt` before the next one starts (the evaluator records it in `notifications`), with
 * status `sent`, `retrying` (failed, another attempt follows) or `failed` (the last one).
 *
 * `mayContinue` is asked before every attempt: the caller's lease on the delivery must still be
 * valid, otherwise the delivery stops ('abandoned') and whoever takes the lease over resumes it.
 * Slack channels are paced to one send per `slackMinIntervalMs`; a 429/503 Retry-After holds
 * the channel and delays the next attempt (capped by the policy's maxRetryAfterMs).
 */
import { slackNotifier } from './slack.ts'
import { pagerDutyNotifier } from './pagerduty.ts'
import { webhookNotifier } from './webhook.ts'
import type { ChannelConfig } from './channel-config.ts'
import type { HttpPoster } from './http-post.ts'
import type { AlertNotification, ChannelType, Notifier } from './notification.ts'
import { backoffMs, classifyOutcome, type RetryPolicy } from './retry-policy.ts'
import type { ChannelPacer } from './channel-pacer.ts'

export interface ChannelTarget {
  readonly tenantId: string
  readonly channelId: string
  readonly type: ChannelType
  readonly config: ChannelConfig
}

export interface AttemptRecord {
  /** 1-based */
  readonly attempt: number
  readonly atMs: number
  readonly status: 'sent' | 'retrying' | 'failed'
  /** 0 = no answer */
  readonly httpStatus: number
  readonly error: string
}

export interface DeliveryResult {
  readonly status: 'sent' | 'failed' | 'abandoned'
  /** attempts made by this call */
  readonly attempts: number
  readonly httpStatus: number
  readonly error: string
}

export interface DeliverOptions {
  onAttempt?(record: AttemptRecord): Promise<void> | void
  mayContinue?(): boolean
  /** number of the first attempt (a resumed delivery continues the count) */
  firstAttempt?: number
  /** overrides the policy's attempt count (a test message makes one) */
  maxAttempts?: number
  signal?: AbortSignal
}

export interface Sender {
  deliver(notification: AlertNotification, target: ChannelTarget, options?: DeliverOptions): Promise<DeliveryResult>
}

export interface SenderOptions {
  readonly poster: HttpPoster
  readonly policy: RetryPolicy
  readonly pacer: ChannelPacer
  readonly nowMs: () => number
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
}

const NOTIFIERS: { readonly [T in ChannelType]: Notifier<never> } = {
  slack: slackNotifier as Notifier<never>,
  pagerduty: pagerDutyNotifier as Notifier<never>,
  webhook: webhookNotifier as Notifier<never>,
}

export function createSender(options: SenderOptions): Sender {
  const { poster, policy, pacer } = options
  return {
    async deliver(notification, target, deliverOptions = {}) {
      const notifier = NOTIFIERS[target.type]
      const first = deliverOptions.firstAttempt ?? 1
      const last = first - 1 + (deliverOptions.maxAttempts ?? policy.maxAttempts)
      const paceKey = `${target.tenantId}/${target.channelId}`
      let made = 0
      let httpStatus = 0
      let error = ''
      for (let attempt = first; attempt <= last; attempt++) {
        if (deliverOptions.signal?.aborted || (deliverOptions.mayContinue && !deliverOptions.mayContinue())) break
        if (target.type === 'slack') {
          try {
            await pacer.take(paceKey, deliverOptions.signal)
          } catch {
            break // aborted while waiting for the channel's slot
          }
        }
        const startedMs = options.nowMs()
        const outcome = await poster.post(notifier.request(notification, target.config as never, startedMs), deliverOptions.signal ? { signal: deliverOptions.signal } : {})
        const verdict = classifyOutcome(outcome, policy, options.nowMs())
        made++
        httpStatus = verdict.httpStatus
        error = verdict.status === 'sent' ? '' : verdict.error
        const final = verdict.status !== 'retryable' || attempt === last
        const status = verdict.status === 'sent' ? 'sent' : final ? 'failed' : 'retrying'
        await deliverOptions.onAttempt?.({ attempt, atMs: startedMs, status, httpStatus, error })
        if (status !== 'retrying') return { status, attempts: made, httpStatus, error }
        const retryAfterMs = verdict.status === 'retryable' ? verdict.retryAfterMs : undefined
        if (retryAfterMs !== undefined && target.type === 'slack') pacer.holdUntil(paceKey, options.nowMs() + retryAfterMs)
        try {
          await options.sleep(backoffMs(policy, attempt - first + 1, retryAfterMs), deliverOptions.signal)
        } catch {
          break // aborted while waiting
        }
      }
      return { status: 'abandoned', attempts: made, httpStatus, error }
    },
  }
}

/** setTimeout as a promise that an AbortSignal cuts short (rejecting). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason as Error)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
