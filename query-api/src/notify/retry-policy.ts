/**
 * What one delivery attempt's outcome means, and how long to wait before the next — pure.
 *
 *   2xx                         sent
 *   408, 425, 429, 500–599      retryable (429 and 503 honour Retry-After: seconds or an HTTP date,
 *                               capped at maxRetryAfterMs)
 *   3xx                         failed: redirects are never followed (the target was not checked)
 *   other 4xx                   failed: the request itself is wrong (bad routing key, dead hook)
 *   no answer (network)         retryable
 *   refused by the SSRF guard   failed, unless it was a DNS failure (retryable)
 *
 * Backoff after failed attempt n (1-based): min(maxBackoffMs, initialBackoffMs · 2^(n−1)), or the
 * destination's Retry-After when that is longer; at most maxAttempts attempts in all. No jitter:
 * one evaluator sends (the leader), and per-channel pacing already spreads the sends.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { PostOutcome } from './http-post.ts'

export interface RetryPolicy {
  readonly maxAttempts: number
  readonly initialBackoffMs: number
  readonly maxBackoffMs: number
  readonly maxRetryAfterMs: number
}

export type AttemptOutcome =
  | { readonly status: 'sent'; readonly httpStatus: number }
  | { readonly status: 'retryable'; readonly httpStatus: number; readonly error: string; readonly retryAfterMs?: number }
  | { readonly status: 'failed'; readonly httpStatus: number; readonly error: string }

const RETRYABLE_4XX = new Set([408, 425, 429])

export function classifyOutcome(outcome: PostOutcome, policy: Pick<RetryPolicy, 'maxRetryAfterMs'>, nowMs: number): AttemptOutcome {
  if (outcome.kind === 'refused') {
    const error = `destination refused: ${outcome.reason}`
    return outcome.retryable ? { status: 'retryable', httpStatus: 0, error } : { status: 'failed', httpStatus: 0, error }
  }
  if (outcome.kind === 'network') return { status: 'retryable', httpStatus: 0, error: outcome.error }
  const { status } = outcome
  if (status >= 200 && status < 300) return { status: 'sent', httpStatus: status }
  const detail = `HTTP ${status}${outcome.body ? `: ${outcome.body.slice(0, 200)}` : ''}`
  if (status >= 300 && status < 400) {
    const location = headerOf(outcome.headers, 'location')
    return { status: 'failed', httpStatus: status, error: `redirect${location ? ` to ${location.slice(0, 200)}` : ''} not followed` }
  }
  if (RETRYABLE_4XX.has(status) || status >= 500) {
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfterMs(headerOf(outcome.headers, 'retry-after'), nowMs) : undefined
    return retryAfterMs === undefined
      ? { status: 'retryable', httpStatus: status, error: detail }
      : { status: 'retryable', httpStatus: status, error: detail, retryAfterMs: Math.min(retryAfterMs, policy.maxRetryAfterMs) }
  }
  return { status: 'failed', httpStatus: status, error: detail }
}

/** Wait after failed attempt `attempt` (1-based) before the next one. */
export function backoffMs(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  const exponential = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.max(0, attempt - 1))
  return Math.max(exponential, retryAfterMs ?? 0)
}

/** Retry-After as delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const dateMs = Date.parse(text)
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - nowMs)
}

function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}
