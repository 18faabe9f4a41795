import { describe, expect, it } from 'vitest'
import { listOf, slosOf } from './slo-list.ts'
import { DEFAULT_SLO_WINDOW_MS, sloWindowMs } from './slo-window.ts'

describe('SLO answers', () => {
  const slo = { id: 'a', name: 'n', service: 's', sli: 'availability', objective: 99.9 }
  it('accepts a wrapped or a bare list and nothing else', () => {
    expect(slosOf({ slos: [slo] })).toEqual([slo])
    expect(slosOf([slo])).toEqual([slo])
    expect(slosOf({ items: [slo] })).toEqual([])
    expect(slosOf(null)).toEqual([])
    expect(listOf({ channels: [1, 2] }, 'channels')).toEqual([1, 2])
    expect(listOf({ channels: 'x' }, 'channels')).toEqual([])
  })
  it('reads windows as intervals or ms, 30 days otherwise', () => {
    expect(sloWindowMs('7d')).toBe(7 * 86_400_000)
    expect(sloWindowMs(3600_000)).toBe(3600_000)
    expect(sloWindowMs('86400000')).toBe(86_400_000)
    expect(sloWindowMs('rolling')).toBe(DEFAULT_SLO_WINDOW_MS)
    expect(sloWindowMs(undefined)).toBe(30 * 86_400_000)
  })
})
