/** Full suite: tenant A at 10× its limit for 15 s next to tenant B at 5× A's limit. */
import { describe, expect, it } from 'vitest'
import { recordFigures } from './harness/figures.ts'
import { P99_FLOOR_MS, tenantIsolation } from './scenarios/tenant-isolation.ts'

describe('tenant isolation (full)', () => {
  it('429 + Retry-After for A, nothing refused and p99 within 2x for B', async () => {
    const limit = 1000
    const r = await tenantIsolation({ limitItemsPerSecond: limit, overload: 10, tenantBItemsPerSecond: 2000, spansPerRequest: 10, aSpansPerRequest: 200, phaseMs: 15_000 })
    recordFigures('tenant-isolation', r)
    expect(r.a.statuses[429]).toBeGreaterThan(0)
    expect(r.a.missingRetryAfter).toBe(0)
    expect(r.a.acceptedSpans).toBeLessThanOrEqual(limit * (15 + 1) + 200)
    expect(Object.keys(r.b.statuses)).toEqual(['200'])
    expect(r.b.underLoadP99Ms).toBeLessThanOrEqual(2 * Math.max(r.b.baselineP99Ms, P99_FLOOR_MS))
  })
})
