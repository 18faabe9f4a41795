import { describe, expect, it } from 'vitest'
import { sortRows, nextSort } from './sort.ts'
import { hashName, serviceColor, serviceHue } from './service-colors.ts'
import { scrollTopFor, virtualWindow } from './virtual-window.ts'

describe('virtualWindow', () => {
  it('renders only the rows in view plus overscan', () => {
    // 5000 rows of 24 px, 480 px viewport scrolled to row 1000
    const w = virtualWindow({ count: 5000, rowHeightPx: 24, scrollTopPx: 24_000, viewportPx: 480, overscan: 5 })
    expect(w).toEqual({ start: 995, end: 1026, offsetPx: 995 * 24, totalPx: 120_000 })
  })
  it('clamps at both ends', () => {
    expect(virtualWindow({ count: 10, rowHeightPx: 20, scrollTopPx: -50, viewportPx: 100, overscan: 2 })).toEqual({ start: 0, end: 8, offsetPx: 0, totalPx: 200 })
    const end = virtualWindow({ count: 10, rowHeightPx: 20, scrollTopPx: 10_000, viewportPx: 100, overscan: 0 })
    expect(end.end).toBe(10)
    expect(end.start).toBe(5)
    expect(virtualWindow({ count: 0, rowHeightPx: 20, scrollTopPx: 0, viewportPx: 100 })).toEqual({ start: 0, end: 0, offsetPx: 0, totalPx: 0 })
  })
  it('scrolls a row into view only when it is off screen', () => {
    expect(scrollTopFor(3, 20, 0, 200)).toBe(0)
    expect(scrollTopFor(100, 20, 0, 200)).toBe(1900)
  })
})

describe('sortRows', () => {
  const rows = [{ n: 'a', v: 2 }, { n: 'b', v: null }, { n: 'c', v: 5 }, { n: 'd', v: 2 }]
  it('sorts both ways with missing values last and stable ties', () => {
    expect(sortRows(rows, (r) => r.v, 'desc').map((r) => r.n)).toEqual(['c', 'a', 'd', 'b'])
    expect(sortRows(rows, (r) => r.v, 'asc').map((r) => r.n)).toEqual(['a', 'd', 'c', 'b'])
    expect(sortRows(rows, (r) => r.n, 'asc').map((r) => r.n)).toEqual(['a', 'b', 'c', 'd'])
  })
  it('toggles direction on the same column and starts descending on a new one', () => {
    expect(nextSort({ key: 'rps', direction: 'desc' }, 'rps')).toEqual({ key: 'rps', direction: 'asc' })
    expect(nextSort({ key: 'rps', direction: 'asc' }, 'p99')).toEqual({ key: 'p99', direction: 'desc' })
  })
})

describe('serviceColor', () => {
  it('is stable and from the palette', () => {
    // FNV-1a of "a" is 0xe40c292c
    expect(hashName('a')).toBe(0xe40c292c)
    expect(serviceColor('checkout')).toBe(serviceColor('checkout'))
    expect(serviceColor('payment')).toMatch(/^hsl\(\d+, \d+%, \d+%\)$/)
    // never a red hue, which is reserved for errors
    for (const name of ['a', 'checkout', 'payment', 'frontend', 'inventory', 'x'.repeat(40)]) {
      expect(serviceHue(name)).toBeGreaterThanOrEqual(30)
      expect(serviceHue(name)).toBeLessThan(330)
    }
  })
})
