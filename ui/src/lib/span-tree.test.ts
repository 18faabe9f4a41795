import { describe, expect, it } from 'vitest'
import { spanTree, visibleRows } from './span-tree.ts'

const s = (spanId: string, parentSpanId: string, startNs: number) => ({ spanId, parentSpanId, startNs: BigInt(startNs) })

describe('spanTree', () => {
  it('orders depth-first with children by start time and gives depths', () => {
    // root ─┬─ b (t=20) ── d (t=25)
    //       └─ a (t=10) ── c (t=12)
    const rows = spanTree([s('d', 'b', 25), s('b', 'root', 20), s('c', 'a', 12), s('root', '', 0), s('a', 'root', 10)])
    expect(rows.map((r) => [r.span.spanId, r.depth, r.childCount, r.parentIndex])).toEqual([
      ['root', 0, 2, -1],
      ['a', 1, 1, 0],
      ['c', 2, 0, 1],
      ['b', 1, 1, 0],
      ['d', 2, 0, 3],
    ])
  })

  it('breaks start-time ties by span id and makes orphans roots in start order', () => {
    const rows = spanTree([s('z', '', 5), s('y', 'missing', 1), s('b', 'z', 7), s('a', 'z', 7)])
    expect(rows.map((r) => `${r.span.spanId}@${r.depth}`)).toEqual(['y@0', 'z@0', 'a@1', 'b@1'])
  })

  it('keeps every span once when parent links form a cycle', () => {
    const rows = spanTree([s('a', 'b', 1), s('b', 'a', 2), s('r', '', 0)])
    expect(rows.map((r) => r.span.spanId).sort()).toEqual(['a', 'b', 'r'])
    expect(rows).toHaveLength(3)
  })

  it('handles a 5,000-deep chain without recursion limits', () => {
    const spans = Array.from({ length: 5000 }, (_, i) => s(`s${i}`, i === 0 ? '' : `s${i - 1}`, i))
    const rows = spanTree(spans)
    expect(rows[4999]!.depth).toBe(4999)
    expect(rows[4999]!.span.spanId).toBe('s4999')
  })
})

describe('visibleRows', () => {
  const rows = spanTree([s('root', '', 0), s('a', 'root', 1), s('c', 'a', 2), s('b', 'root', 3), s('d', 'b', 4)])
  // order: root(0) a(1) c(2) b(3) d(4)
  it('shows all rows when nothing is collapsed', () => {
    expect(visibleRows(rows, new Set())).toEqual([0, 1, 2, 3, 4])
  })
  it('hides the descendants of a collapsed span only', () => {
    expect(visibleRows(rows, new Set(['a']))).toEqual([0, 1, 3, 4])
    expect(visibleRows(rows, new Set(['root']))).toEqual([0])
    expect(visibleRows(rows, new Set(['a', 'b']))).toEqual([0, 1, 3])
  })
  it('ignores collapsing a leaf', () => {
    expect(visibleRows(rows, new Set(['c']))).toEqual([0, 1, 2, 3, 4])
  })
})
