import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { createFlushPacer, cutBatches, isFull } from './batcher.ts'

const w = (rows: number, bytes = rows * 100) => ({ rows, bytes })

describe('cutBatches', () => {
  it('closes a batch as soon as it reaches the row limit', () => {
    const cuts = cutBatches([w(4), w(4), w(4), w(4), w(1)], { maxRows: 8, maxBytes: 1e9 })
    expect(cuts.map((c) => [c.start, c.end, c.rows])).toEqual([
      [0, 2, 8],
      [2, 4, 8],
      [4, 5, 1],
    ])
  })

  it('closes on bytes too, and an oversized item is a batch of its own', () => {
    const cuts = cutBatches([w(1, 10), w(1, 500), w(1, 10), w(1, 10)], { maxRows: 100, maxBytes: 100 })
    expect(cuts.map((c) => [c.start, c.end])).toEqual([
      [0, 2],
      [2, 4],
    ])
  })

  it('gives no batch for no items and rejects limits that are not positive', () => {
    expect(cutBatches([], { maxRows: 1, maxBytes: 1 })).toEqual([])
    expect(() => cutBatches([w(1)], { maxRows: 0, maxBytes: 1 })).toThrow(RangeError)
    expect(() => cutBatches([w(1)], { maxRows: 1, maxBytes: Number.NaN })).toThrow(RangeError)
  })

  it('covers every item once, in order, and only the last batch is below the limits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ rows: fc.integer({ min: 0, max: 50 }), bytes: fc.integer({ min: 0, max: 5000 }) }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 9000 }),
        (weights, maxRows, maxBytes) => {
          const limits = { maxRows, maxBytes }
          const cuts = cutBatches(weights, limits)
          let next = 0
          for (const [i, cut] of cuts.entries()) {
            expect(cut.start).toBe(next)
            expect(cut.end).toBeGreaterThan(cut.start)
            next = cut.end
            const sum = weights.slice(cut.start, cut.end).reduce((a, x) => ({ rows: a.rows + x.rows, bytes: a.bytes + x.bytes }), w(0, 0))
            expect([cut.rows, cut.bytes]).toEqual([sum.rows, sum.bytes])
            if (i < cuts.length - 1) expect(isFull(cut, limits)).toBe(true)
            // the batch closed at the first item that filled it
            const withoutLast = weights.slice(cut.start, cut.end - 1).reduce((a, x) => ({ rows: a.rows + x.rows, bytes: a.bytes + x.bytes }), w(0, 0))
            expect(isFull(withoutLast, limits)).toBe(false)
          }
          expect(next).toBe(weights.length)
        },
      ),
    )
  })
})

describe('createFlushPacer', () => {
  it('lets the first flush go, then spaces flushes of one key by the interval', () => {
    const pacer = createFlushPacer({ minIntervalMs: 1000 })
    expect(pacer.delayMs('t', 5000, false)).toBe(0)
    pacer.flushed('t', 5000)
    expect(pacer.delayMs('t', 5200, false)).toBe(800)
    expect(pacer.delayMs('other', 5200, false)).toBe(0)
    expect(pacer.delayMs('t', 6000, false)).toBe(0)
  })

  it('never holds back a full batch', () => {
    const pacer = createFlushPacer({ minIntervalMs: 1000 })
    pacer.flushed('t', 0)
    expect(pacer.delayMs('t', 1, true)).toBe(0)
  })

  it('waits at most one interval when the clock steps backwards', () => {
    const pacer = createFlushPacer({ minIntervalMs: 1000 })
    pacer.flushed('t', 10_000)
    expect(pacer.delayMs('t', 2_000, false)).toBe(1000)
  })

  it('forgets the least recently flushed keys beyond maxKeys', () => {
    const pacer = createFlushPacer({ minIntervalMs: 1000, maxKeys: 2 })
    pacer.flushed('a', 0)
    pacer.flushed('b', 0)
    pacer.flushed('a', 10)
    pacer.flushed('c', 10)
    expect(pacer.delayMs('b', 20, false)).toBe(0)
    expect(pacer.delayMs('a', 20, false)).toBe(990)
  })
})
