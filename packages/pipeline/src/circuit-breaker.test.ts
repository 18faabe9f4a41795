import { describe, expect, it } from 'vitest'
import { createCircuitBreaker, type BreakerState } from './circuit-breaker.ts'

describe('circuit breaker', () => {
  function setup() {
    let nowMs = 0
    const transitions: string[] = []
    const breaker = createCircuitBreaker({
      failureThreshold: 3,
      openDurationMs: 1000,
      now: () => nowMs,
      onStateChange: (from: BreakerState, to: BreakerState) => transitions.push(`${from}->${to}`),
    })
    return { breaker, transitions, advance: (ms: number) => (nowMs += ms) }
  }

  it('opens after consecutive failures and refuses calls while open', () => {
    const { breaker, advance } = setup()
    breaker.recordFailure()
    breaker.recordFailure()
    breaker.recordSuccess()
    breaker.recordFailure()
    breaker.recordFailure()
    expect(breaker.state).toBe('closed')
    breaker.recordFailure()
    expect(breaker.state).toBe('open')
    expect(breaker.tryAcquire()).toBe(false)
    advance(400)
    expect(breaker.msUntilRetry()).toBe(600)
  })

  it('lets one probe through when half-open; success closes, failure reopens', () => {
    const { breaker, transitions, advance } = setup()
    for (let i = 0; i < 3; i++) breaker.recordFailure()
    advance(1000)
    expect(breaker.state).toBe('half-open')
    expect(breaker.tryAcquire()).toBe(true)
    expect(breaker.tryAcquire()).toBe(false)
    breaker.recordFailure()
    expect(breaker.state).toBe('open')
    advance(999)
    expect(breaker.tryAcquire()).toBe(false)
    advance(1)
    expect(breaker.tryAcquire()).toBe(true)
    breaker.recordSuccess()
    expect(breaker.state).toBe('closed')
    expect(transitions).toEqual(['closed->open', 'open->half-open', 'half-open->open', 'open->half-open', 'half-open->closed'])
  })
})
