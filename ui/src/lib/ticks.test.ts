import { describe, expect, it } from 'vitest'
import { niceStep, timeTicks } from './ticks.ts'

describe('ticks', () => {
  it('chooses 1/2/5 steps', () => {
    expect(niceStep(3)).toBe(5)
    expect(niceStep(17)).toBe(20)
    expect(niceStep(1000)).toBe(1000)
    expect(niceStep(0.0007)).toBeCloseTo(0.001)
  })
  it('places ticks at step multiples with duration labels', () => {
    // 100 ms trace, at most 5 ticks → 20 ms steps
    const ticks = timeTicks(0, 100_000_000, 5)
    expect(ticks.map((t) => t.label)).toEqual(['0ns', '20ms', '40ms', '60ms', '80ms', '100ms'])
    expect(ticks.map((t) => t.fraction)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
  })
  it('starts at the first multiple inside a zoomed window', () => {
    // window 33 µs..77 µs, width 44 µs /4 = 11 µs → 20 µs steps: 40, 60
    const ticks = timeTicks(33_000, 77_000, 4)
    expect(ticks.map((t) => t.offsetNs)).toEqual([40_000, 60_000])
    expect(ticks[0]!.fraction).toBeCloseTo(7 / 44)
    expect(ticks.map((t) => t.label)).toEqual(['40µs', '60µs'])
  })
  it('gives nothing for an empty window', () => {
    expect(timeTicks(5, 5)).toEqual([])
  })
})
