/**
 * Per-tenant concurrency: a semaphore per tenant with a bounded FIFO queue, so one tenant's
 * heavy queries occupy at most `maxConcurrent` engine slots and can never take another tenant's.
 *
 * Invariants:
 * - a tenant has at most `maxConcurrent` permits out and at most `maxQueued` waiters;
 * - a waiter beyond the queue is refused at once, and a waiter not served within `maxWaitMs`
 *   is refused then (both: outcome `{ ok: false }`, which the caller answers with 429 +
 *   Retry-After); an aborted waiter leaves the queue;
 * - a released permit goes straight to the oldest waiter (FIFO, no barging);
 * - releasing twice is harmless; an idle tenant's state is deleted, so memory follows the
 *   number of tenants with work in flight, and at most `maxTenants` of them are tracked.
 */

export type Release = () => void

export type AcquireOutcome =
  | { ok: true; release: Release }
  | { ok: false; reason: 'queue_full' | 'wait_timeout' | 'too_many_tenants' | 'aborted'; retryAfterMs: number }

export interface TenantLimiter {
  acquire(tenantId: string, signal?: AbortSignal): Promise<AcquireOutcome>
  /** permits out and waiters, for one tenant or all */
  stats(tenantId?: string): { active: number; queued: number; tenants: number }
}

export interface TenantLimiterOptions {
  maxConcurrent: number
  maxQueued: number
  maxWaitMs: number
  maxTenants: number
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
}

interface Waiter {
  grant: (outcome: AcquireOutcome) => void
  timer: unknown
  onAbort?: () => void
  signal?: AbortSignal | undefined
}

interface TenantState {
  active: number
  queue: Waiter[]
}

export function createTenantLimiter(options: TenantLimiterOptions): TenantLimiter {
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as NodeJS.Timeout))
  const tenants = new Map<string, TenantState>()
  // a retry is worth it roughly once a running query can have finished
  const retryAfterMs = Math.max(1000, Math.min(options.maxWaitMs, 5000))

  function releaser(tenantId: string, state: TenantState): Release {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = state.queue.shift()
      if (next) {
        detach(next)
        // the permit passes on: active stays the same
        next.grant({ ok: true, release: releaser(tenantId, state) })
        return
      }
      state.active--
      if (state.active === 0 && tenants.get(tenantId) === state) tenants.delete(tenantId)
    }
  }

  function detach(waiter: Waiter): void {
    clearTimer(waiter.timer)
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort)
  }

  return {
    acquire(tenantId, signal) {
      if (signal?.aborted) return Promise.resolve({ ok: false, reason: 'aborted', retryAfterMs })
      let state = tenants.get(tenantId)
      if (!state) {
        if (tenants.size >= options.maxTenants) return Promise.resolve({ ok: false, reason: 'too_many_tenants', retryAfterMs })
        state = { active: 0, queue: [] }
        tenants.set(tenantId, state)
      }
      if (state.active < options.maxConcurrent) {
        state.active++
        return Promise.resolve({ ok: true, release: releaser(tenantId, state) })
      }
      if (state.queue.length >= options.maxQueued) return Promise.resolve({ ok: false, reason: 'queue_full', retryAfterMs })
      const queued = state
      return new Promise<AcquireOutcome>((resolve) => {
        const waiter: Waiter = { grant: resolve, timer: undefined, signal }
        const leave = (reason: 'wait_timeout' | 'aborted') => {
          const i = queued.queue.indexOf(waiter)
          if (i < 0) return
          queued.queue.splice(i, 1)
          detach(waiter)
          resolve({ ok: false, reason, retryAfterMs })
        }
        waiter.timer = setTimer(() => leave('wait_timeout'), options.maxWaitMs)
        if (signal) {
          waiter.onAbort = () => leave('aborted')
          signal.addEventListener('abort', waiter.onAbort, { once: true })
        }
        queued.queue.push(waiter)
      })
    },
    stats(tenantId) {
      if (tenantId !== undefined) {
        const state = tenants.get(tenantId)
        return { active: state?.active ?? 0, queued: state?.queue.length ?? 0, tenants: tenants.size }
      }
      let active = 0
      let queued = 0
      for (const state of tenants.values()) {
        active += state.active
        queued += state.queue.length
      }
      return { active, queued, tenants: tenants.size }
    },
  }
}
