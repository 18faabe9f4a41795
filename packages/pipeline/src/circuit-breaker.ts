/**
 * A circuit breaker (closed → open → half-open → closed) for a sink talking to one peer.
 *
 * closed:    calls pass; `failureThreshold` consecutive failures open the circuit.
 * open:      calls are refused for `openDurationMs`, so a peer that is down is not hammered and
 *            the caller waits instead of spinning; then the breaker turns half-open.
 * half-open: up to `halfOpenMaxCalls` probe calls pass; one success closes the circuit, one
 *            failure opens it again for another `openDurationMs`.
 * Only failures that say something about the peer's health (network errors, 5xx, 429) should be
 * recorded; a 400 is the payload's fault, not the peer's.
 */

export type BreakerState = 'closed' | 'open' | 'half-open'

export interface CircuitBreakerOptions {
  failureThreshold: number
  openDurationMs: number
  halfOpenMaxCalls?: number
  now?: () => number
  onStateChange?: (from: BreakerState, to: BreakerState) => void
}

export interface CircuitBreaker {
  readonly state: BreakerState
  /** true when a call may be made now; in half-open this takes one probe slot */
  tryAcquire(): boolean
  /** ms until a call may be tried again (0 when one may be tried now) */
  msUntilRetry(): number
  recordSuccess(): void
  recordFailure(): void
}

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const now = options.now ?? Date.now
  const halfOpenMaxCalls = options.halfOpenMaxCalls ?? 1
  let state: BreakerState = 'closed'
  let consecutiveFailures = 0
  let openedAtMs = 0
  let probesInFlight = 0

  function moveTo(next: BreakerState): void {
    if (next === state) return
    const from = state
    state = next
    options.onStateChange?.(from, next)
  }

  function refresh(): void {
    if (state === 'open' && now() - openedAtMs >= options.openDurationMs) {
      probesInFlight = 0
      moveTo('half-open')
    }
  }

  function open(): void {
    openedAtMs = now()
    probesInFlight = 0
    moveTo('open')
  }

  return {
    get state() {
      refresh()
      return state
    },
    tryAcquire() {
      refresh()
      if (state === 'closed') return true
      if (state === 'half-open' && probesInFlight < halfOpenMaxCalls) {
        probesInFlight++
        return true
      }
      return false
    },
    msUntilRetry() {
      refresh()
      if (state === 'open') return Math.max(0, openedAtMs + options.openDurationMs - now())
      return 0
    },
    recordSuccess() {
      consecutiveFailures = 0
      probesInFlight = 0
      moveTo('closed')
    },
    recordFailure() {
      refresh()
      if (state === 'half-open') {
        open()
        return
      }
      consecutiveFailures++
      if (state === 'closed' && consecutiveFailures >= options.failureThreshold) {
        consecutiveFailures = 0
        open()
      }
    },
  }
}
