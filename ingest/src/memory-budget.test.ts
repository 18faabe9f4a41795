import { describe, expect, it } from 'vitest'
import { createMemoryBudget } from './memory-budget.ts'

const settled = async <T>(p: Promise<T>): Promise<boolean> => {
  let done = false
  void p.then(
    () => (done = true),
    () => (done = true),
  )
  await new Promise((r) => setImmediate(r))
  return done
}

describe('createMemoryBudget', () => {
  it('admits up to the budget, then makes later batches wait for a release', async () => {
    const budget = createMemoryBudget(100)
    const releaseA = await budget.acquire(60)
    expect(budget.fits(50)).toBe(false)
    const b = budget.acquire(50)
    expect(await settled(b)).toBe(false)
    expect(budget.usedBytes).toBe(60)
    releaseA()
    const releaseB = await b
    expect(budget.usedBytes).toBe(50)
    releaseB()
    releaseB()
    expect(budget.usedBytes).toBe(0)
  })

  it('admits one oversized batch when nothing else is held', async () => {
    const budget = createMemoryBudget(100)
    const release = await budget.acquire(500)
    expect(budget.usedBytes).toBe(500)
    expect(await settled(budget.acquire(1))).toBe(false)
    release()
  })

  it('admits waiters in arrival order', async () => {
    const budget = createMemoryBudget(100)
    const release = await budget.acquire(100)
    const order: string[] = []
    const big = budget.acquire(90).then((r) => (order.push('big'), r))
    const small = budget.acquire(10).then((r) => (order.push('small'), r))
    release()
    ;(await big)()
    ;(await small)()
    expect(order).toEqual(['big', 'small'])
  })

  it('a waiter that is aborted leaves the queue and rejects', async () => {
    const budget = createMemoryBudget(10)
    const release = await budget.acquire(10)
    const controller = new AbortController()
    const waiting = budget.acquire(5, controller.signal)
    expect(budget.waiting).toBe(1)
    controller.abort(new Error('stopping'))
    await expect(waiting).rejects.toThrow('stopping')
    expect(budget.waiting).toBe(0)
    release()
    expect(budget.usedBytes).toBe(0)
  })
})
