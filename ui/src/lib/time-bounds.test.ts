import { describe, expect, it } from 'vitest'
import { barPosition, clampView, FULL_VIEW, traceBounds, viewedRangeNs } from './time-bounds.ts'

describe('time bounds', () => {
  const spans = [
    { startNs: 1_000n, durationNs: 500n },
    { startNs: 1_200n, durationNs: 800n },
    { startNs: 1_100n, durationNs: 100n },
  ]
  it('spans the earliest start to the latest end', () => {
    expect(traceBounds(spans)).toEqual({ startNs: 1_000n, endNs: 2_000n })
    expect(traceBounds([])).toEqual({ startNs: 0n, endNs: 0n })
  })
  it('positions bars as fractions of the viewed window', () => {
    const bounds = { startNs: 1_000n, endNs: 2_000n }
    expect(barPosition(1_200n, 800n, bounds, FULL_VIEW)).toEqual({ left: 0.2, width: 0.8 })
    // viewing the second half: 500..1000 ns of the trace
    expect(viewedRangeNs(bounds, { start: 0.5, end: 1 })).toEqual({ fromNs: 500, toNs: 1000 })
    expect(barPosition(1_200n, 800n, bounds, { start: 0.5, end: 1 })).toEqual({ left: -0.6, width: 1.6 })
  })
  it('clamps and orders a dragged window', () => {
    expect(clampView(0.8, 0.2)).toEqual({ start: 0.2, end: 0.8 })
    expect(clampView(-1, 2)).toEqual({ start: 0, end: 1 })
    const tiny = clampView(0.5, 0.5, 0.1)
    expect(tiny.end - tiny.start).toBeCloseTo(0.1)
  })
})
