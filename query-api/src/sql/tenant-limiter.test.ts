import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTenantLimiter, type AcquireOutcome } from './tenant-limiter.ts'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

const options = { maxConcurrent: 2, maxQueued: 1, maxWaitMs: 1000, maxTenants: 3 }
const permit = (o: AcquireOutcome) => {
  if (!o.ok) throw new Error(`refused: ${o.reason}`)
  return o.release
}

describe('createTenantLimiter', () => {
  it('gives each tenant its own slots and queue', async () => {
    const limiter = createTenantLimiter(options)
    const a1 = permit(await limiter.acquire('a'))
    permit(await limiter.acquire('a'))
    const queued = limiter.acquire('a')
    expect(await limiter.acquire('a')).toMatchObject({ ok: false, reason: 'queue_full' })
    // another tenant is not held back by a's load
    expect((await limiter.acquire('b')).ok).toBe(true)
    expect(limiter.stats('a')).toEqual({ active: 2, queued: 1, tenants: 2 })
    a1()
    a1()
    expect((await queued).ok).toBe(true)
    expect(limiter.stats('a')).toMatchObject({ active: 2, queued: 0 })
  })

  it('serves waiters first in, first out, and refuses one that waited too long', async () => {
    const limiter = createTenantLimiter({ ...options, maxConcurrent: 1, maxQueued: 2 })
    const first = permit(await limiter.acquire('a'))
    const order: string[] = []
    const w1 = limiter.acquire('a').then((o) => (order.push('w1'), o))
    const w2 = limiter.acquire('a').then((o) => (order.push('w2'), o))
    first()
    permit(await w1)()
    await w2
    expect(order).toEqual(['w1', 'w2'])
    const w3 = limiter.acquire('a')
    vi.advanceTimersByTime(1000)
    expect(await w3).toMatchObject({ ok: false, reason: 'wait_timeout', retryAfterMs: 1000 })
  })

  it('drops an aborted waiter and forgets idle tenants', async () => {
    const limiter = createTenantLimiter({ ...options, maxConcurrent: 1 })
    const release = permit(await limiter.acquire('a'))
    const controller = new AbortController()
    const waiter = limiter.acquire('a', controller.signal)
    controller.abort()
    expect(await waiter).toMatchObject({ ok: false, reason: 'aborted' })
    expect(limiter.stats('a').queued).toBe(0)
    release()
    expect(limiter.stats()).toEqual({ active: 0, queued: 0, tenants: 0 })
  })

  it('tracks a bounded number of tenants', async () => {
    const limiter = createTenantLimiter(options)
    for (const t of ['a', 'b', 'c']) permit(await limiter.acquire(t))
    expect(await limiter.acquire('d')).toMatchObject({ ok: false, reason: 'too_many_tenants' })
  })
})
