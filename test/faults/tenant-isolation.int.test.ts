/**
 * CI subset of the reliability suite: tenant A at 10× its limit (small scale) gets 429 with
 * Retry-After and tenant B sees no rejection. B's p99 against its baseline is a latency figure:
 * it is printed here and asserted only in the full suite (tenant-isolation.fault.ts, run alone),
 * because CI runs this file beside other integration files on two shared cores.
 */
import { describe, expect, it } from 'vitest'
import { tenantIsolation } from './scenarios/tenant-isolation.ts'

describe('tenant isolation in the collector', () => {
  it('rejects the tenant over its limit with 429 + Retry-After and leaves the other tenant alone', async () => {
    const limit = 500
    const r = await tenantIsolation({ limitItemsPerSecond: limit, overload: 10, tenantBItemsPerSecond: 500, spansPerRequest: 5, aSpansPerRequest: 100, phaseMs: 4000 })
    console.log(JSON.stringify({ scenario: 'tenant-isolation', ...r }))
    expect(r.a.statuses[429]).toBeGreaterThan(0)
    expect(r.a.missingRetryAfter).toBe(0)
    // A got at most its rate plus one burst (1 s) through
    expect(r.a.acceptedSpans).toBeLessThanOrEqual(limit * (4 + 1) + 100)
    expect(Object.keys(r.b.statuses)).toEqual(['200'])
  })
})
