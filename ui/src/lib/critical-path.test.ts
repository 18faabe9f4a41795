import { describe, expect, it } from 'vitest'
import { criticalPath, segmentsBySpan } from './critical-path.ts'

const s = (spanId: string, parentSpanId: string, start: number, duration: number) => ({
  spanId,
  parentSpanId,
  startNs: BigInt(start),
  durationNs: BigInt(duration),
})
const plain = (segments: ReturnType<typeof criticalPath>) => segments.map((x) => [x.spanId, Number(x.startNs), Number(x.endNs)])

describe('criticalPath', () => {
  it('follows sequential children and gives the gaps to the parent', () => {
    // root 0..100; a 10..40; b 50..90 (sequential)
    const path = criticalPath([s('root', '', 0, 100), s('a', 'root', 10, 30), s('b', 'root', 50, 40)])
    expect(plain(path)).toEqual([
      ['root', 0, 10],
      ['a', 10, 40],
      ['root', 40, 50],
      ['b', 50, 90],
      ['root', 90, 100],
    ])
  })

  it('takes the last-finishing of parallel children and skips the ones it overlaps', () => {
    // root 0..100; a 10..80 and b 20..60 in parallel; c 5..15 before them
    const path = criticalPath([s('root', '', 0, 100), s('a', 'root', 10, 70), s('b', 'root', 20, 40), s('c', 'root', 2, 6)])
    expect(plain(path)).toEqual([
      ['root', 0, 2],
      ['c', 2, 8],
      ['root', 8, 10],
      ['a', 10, 80],
      ['root', 80, 100],
    ])
  })

  it('descends into grandchildren', () => {
    const path = criticalPath([s('root', '', 0, 100), s('a', 'root', 0, 100), s('g', 'a', 30, 20)])
    expect(plain(path)).toEqual([
      ['a', 0, 30],
      ['g', 30, 50],
      ['a', 50, 100],
    ])
  })

  it('clips a child that outlives its parent', () => {
    const path = criticalPath([s('root', '', 0, 50), s('late', 'root', 40, 100)])
    expect(plain(path)).toEqual([
      ['root', 0, 40],
      ['late', 40, 50],
    ])
  })

  it('tiles the root exactly on a random tree', () => {
    let seed = 7
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const spans = [s('s0', '', 0, 10_000)]
    for (let i = 1; i < 300; i++) {
      const parent = spans[Math.floor(rand() * spans.length)]!
      const start = Number(parent.startNs) + Math.floor(rand() * Number(parent.durationNs))
      spans.push(s(`s${i}`, parent.spanId, start, Math.floor(rand() * 3000)))
    }
    const path = criticalPath(spans)
    expect(Number(path[0]!.startNs)).toBe(0)
    expect(Number(path[path.length - 1]!.endNs)).toBe(10_000)
    for (let i = 1; i < path.length; i++) expect(path[i]!.startNs).toBe(path[i - 1]!.endNs)
  })

  it('is empty for an empty trace and groups by span', () => {
    expect(criticalPath([])).toEqual([])
    const by = segmentsBySpan(criticalPath([s('root', '', 0, 100), s('a', 'root', 10, 30)]))
    expect(by.get('root')!.length).toBe(2)
    expect(by.get('a')!.length).toBe(1)
  })
})
