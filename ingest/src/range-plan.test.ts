import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { planRanges, planRangesAcceptingPartial, type OffsetRange } from './range-plan.ts'

const limits = { maxRows: 10, maxBytes: 1_000_000 }
const offsetsFrom = (first: number, count: number) => Array.from({ length: count }, (_, i) => BigInt(first + i))
const rows = (...n: number[]) => n.map((r) => ({ rows: r, bytes: r }))
const bounds = (plan: ReturnType<typeof planRanges>) => plan.ranges.map((r) => [Number(r.first), Number(r.last), r.start, r.end, r.pinned])

describe('planRanges', () => {
  it('cuts a fresh batch by the row limit', () => {
    const plan = planRanges(offsetsFrom(100, 5), rows(6, 6, 6, 6, 1), [], limits)
    expect(bounds(plan)).toEqual([
      [100, 101, 0, 2, false],
      [102, 103, 2, 4, false],
      [104, 104, 4, 5, false],
    ])
    expect(plan.incomplete).toBeUndefined()
  })

  it('reproduces pinned ranges exactly, then cuts what lies beyond them afresh', () => {
    // before the crash the batch was [100..102] in one range; now the batch reaches 106
    const pins = [{ first: 100n, last: 102n }]
    const plan = planRanges(offsetsFrom(100, 7), rows(1, 1, 1, 5, 5, 5, 1), pins, limits)
    expect(bounds(plan)).toEqual([
      [100, 102, 0, 3, true],
      [103, 104, 3, 5, false],
      [105, 106, 5, 7, false],
    ])
  })

  it('ignores pins that end before the batch (already committed)', () => {
    const plan = planRanges(offsetsFrom(10, 2), rows(1, 1), [{ first: 0n, last: 9n }], limits)
    expect(bounds(plan)).toEqual([[10, 11, 0, 2, false]])
  })

  it('reports a batch that ends inside a pinned range as incomplete, after the ranges before it', () => {
    const pins = [
      { first: 100n, last: 101n },
      { first: 102n, last: 110n },
    ]
    const plan = planRanges(offsetsFrom(100, 5), rows(1, 1, 1, 1, 1), pins, limits)
    expect(bounds(plan)).toEqual([[100, 101, 0, 2, true]])
    expect(plan.incomplete).toEqual({ first: 102n, last: 110n })
    const partial = planRangesAcceptingPartial(offsetsFrom(100, 5), rows(1, 1, 1, 1, 1), pins, limits)
    expect(bounds(partial)).toEqual([
      [100, 101, 0, 2, true],
      [102, 104, 2, 5, true],
    ])
    // the partial range keeps the token bounds of the range it was cut from
    expect(partial.ranges[1]!.tokenLast).toBe(110n)
    expect(partial.ranges[0]!.tokenLast).toBeUndefined()
  })

  it('carries tokenLast of a pin written by the fallback, and plans its rest as a pin of its own', () => {
    const pins = [
      { first: 102n, last: 104n, tokenLast: 110n },
      { first: 105n, last: 110n },
    ]
    const plan = planRanges(offsetsFrom(102, 12), rows(...Array(12).fill(1)), pins, limits)
    expect(plan.ranges.map((r) => [Number(r.first), Number(r.last), r.tokenLast === undefined ? null : Number(r.tokenLast), r.pinned])).toEqual([
      [102, 104, 110, true],
      [105, 110, null, true],
      [111, 113, null, false],
    ])
  })

  it('keeps the recorded bounds when offsets have gaps or the batch starts inside a pin', () => {
    const offsets = [5n, 7n, 12n, 13n]
    const plan = planRanges(offsets, rows(1, 1, 1, 1), [{ first: 4n, last: 12n }], limits)
    expect(bounds(plan)).toEqual([
      [4, 12, 0, 3, true],
      [13, 13, 3, 4, false],
    ])
  })

  it('a pin whose last offset was compacted away is complete once a later record is seen', () => {
    const plan = planRanges([1n, 2n, 5n], rows(1, 1, 1), [{ first: 1n, last: 3n }], limits)
    expect(bounds(plan)).toEqual([
      [1, 3, 0, 2, true],
      [5, 5, 2, 3, false],
    ])
  })

  it('replaying from the same offset with a longer or equal batch reproduces every earlier range (any weights, any lengths)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 1, max: 40 }),
        (weights, firstLength, extra, maxRows) => {
          const lim = { maxRows, maxBytes: 1e12 }
          const n1 = Math.min(firstLength, weights.length)
          const all = offsetsFrom(1000, weights.length)
          const w = rows(...weights)
          const before = planRanges(all.slice(0, n1), w.slice(0, n1), [], lim)
          const pins: OffsetRange[] = before.ranges.map(({ first, last }) => ({ first, last }))
          const n2 = Math.min(weights.length, n1 + extra)
          const after = planRanges(all.slice(0, n2), w.slice(0, n2), pins, lim)
          expect(after.incomplete).toBeUndefined()
          expect(after.ranges.slice(0, before.ranges.length).map(({ first, last }) => [first, last])).toEqual(pins.map(({ first, last }) => [first, last]))
          // and everything is covered exactly once
          expect(after.ranges.map((r) => r.end - r.start).reduce((a, b) => a + b, 0)).toBe(n2)
          for (let k = 1; k < after.ranges.length; k++) expect(after.ranges[k]!.start).toBe(after.ranges[k - 1]!.end)
        },
      ),
    )
  })

  it('a shorter replay never plans a range that cuts through a pinned one', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 2, maxLength: 60 }), fc.integer({ min: 1, max: 59 }), (weights, shorter) => {
        const all = offsetsFrom(0, weights.length)
        const w = rows(...weights)
        const pins = planRanges(all, w, [], limits).ranges.map(({ first, last }) => ({ first, last }))
        const n = Math.min(shorter, weights.length - 1)
        const replay = planRanges(all.slice(0, n), w.slice(0, n), pins, limits)
        for (const r of replay.ranges) expect(pins.some((p) => p.first === r.first && p.last === r.last)).toBe(true)
        const covered = replay.ranges.reduce((a, r) => a + (r.end - r.start), 0)
        expect(covered === n || replay.incomplete !== undefined).toBe(true)
      }),
    )
  })
})
