/**
 * Retry policy for exporters: which outcomes are retryable, how long to wait, and how a server's
 * Retry-After is read. Everything here is a pure function (time and randomness are passed in), so
 * the policy is tested without clocks.
 *
 * Policy (as OpenTelemetry's OTLP exporters define it): 429, 502, 503 and 504 and network errors
 * are retryable; every other non-2xx status (400, 401, 413, ...) is a permanent failure for that
 * payload. Waits use exponential backoff with "full jitter" (AWS architecture blog): the delay
 * for attempt n is uniform in [0, min(maxDelayMs, initialDelayMs · multiplier^n)), which spreads a
 * fleet of agents that all saw the same outage instead of having them retry in lock-step.
 */

/** What an exporter reports for one payload; exporters return this, they do not throw. */
export type ExportOutcome =
  | { status: 'success' }
  | { status: 'retryable'; reason: string; retryAfterMs?: number }
  | { status: 'failure'; reason: string; httpStatus?: number }

const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504])

export function isRetryableStatus(httpStatus: number): boolean {
  return RETRYABLE_STATUSES.has(httpStatus)
}

/**
 * Reads a Retry-After header: either delta-seconds ("120") or an HTTP-date. Returns ms to wait
 * (≥ 0) or undefined when absent or unreadable.
 */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined
  const text = value.trim()
  if (text === '') return undefined
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  // an HTTP-date always names its weekday and month; bare numbers like '-1' are not dates
  if (!/[a-z]/i.test(text)) return undefined
  const dateMs = Date.parse(text)
  if (Number.isNaN(dateMs)) return undefined
  return Math.max(0, dateMs - nowMs)
}

/** Maps an HTTP response status (and its Retry-After) to an export outcome. */
export function outcomeForHttpStatus(httpStatus: number, retryAfter: string | null | undefined, nowMs: number): ExportOutcome {
  if (httpStatus >= 200 && httpStatus < 300) return { status: 'success' }
  if (isRetryableStatus(httpStatus)) {
    const retryAfterMs = parseRetryAfterMs(retryAfter, nowMs)
    return retryAfterMs === undefined
      ? { status: 'retryable', reason: `http ${httpStatus}` }
      : { status: 'retryable', reason: `http ${httpStatus}`, retryAfterMs }
  }
  return { status: 'failure', reason: `http ${httpStatus}`, httpStatus }
}

export interface BackoffOptions {
  initialDelayMs: number
  maxDelayMs: number
  /** growth per attempt; 2 unless given */
  multiplier?: number
  /** a server's Retry-After is honoured up to this bound, so one bad header cannot stall us for hours */
  maxRetryAfterMs?: number
}

/** Full-jitter delay for `attempt` (0-based): uniform in [0, min(max, initial · multiplier^attempt)). */
export function fullJitterDelayMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const multiplier = options.multiplier ?? 2
  const ceilingMs = Math.min(options.maxDelayMs, options.initialDelayMs * Math.pow(multiplier, Math.max(0, attempt)))
  return Math.floor(random() * ceilingMs)
}

export interface Backoff {
  /** The wait before the next attempt; a server's Retry-After wins over the jittered delay. */
  nextDelayMs(retryAfterMs?: number): number
  /** after a success */
  reset(): void
  /** failed attempts since the last reset */
  readonly attempts: number
}

export function createBackoff(options: BackoffOptions, random: () => number = Math.random): Backoff {
  let attempts = 0
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 5 * 60_000
  return {
    nextDelayMs(retryAfterMs) {
      const delayMs =
        retryAfterMs !== undefined ? Math.min(retryAfterMs, maxRetryAfterMs) : fullJitterDelayMs(attempts, options, random)
      attempts++
      return delayMs
    },
    reset() {
      attempts = 0
    },
    get attempts() {
      return attempts
    },
  }
}
