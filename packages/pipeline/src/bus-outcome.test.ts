import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SendOutcome } from './bus.ts'
import { SendTimeoutError, withSendTimeout } from './bus-outcome.ts'

describe('withSendTimeout', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('passes the outcome through when the send settles in time', async () => {
    const outcome = withSendTimeout(Promise.resolve<SendOutcome>({ status: 'success' }), 1_000)
    await expect(outcome).resolves.toEqual({ status: 'success' })
  })

  it('resolves retryable with a SendTimeoutError once the bound passes, however long the send hangs', async () => {
    const never = new Promise<SendOutcome>(() => {})
    const outcome = withSendTimeout(never, 1_000)
    let settled: SendOutcome | undefined
    void outcome.then((o) => (settled = o))
    await vi.advanceTimersByTimeAsync(999)
    expect(settled).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(settled?.status).toBe('retryable')
    expect(settled?.status === 'retryable' && settled.error).toBeInstanceOf(SendTimeoutError)
  })

  it('turns a send that throws into a retryable outcome instead of a rejection', async () => {
    const outcome = await withSendTimeout(Promise.reject(new Error('socket closed')), 1_000)
    expect(outcome.status).toBe('retryable')
    expect(outcome.status === 'retryable' && outcome.error.message).toBe('socket closed')
  })
})
