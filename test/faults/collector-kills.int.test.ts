/**
 * CI subset of the reliability suite: the collector SIGKILLed 3× under load while the real
 * agent retries; every span the agent acknowledged is in ClickHouse (lost = 0, counted in SQL).
 * The full suite (collector-kills.fault.ts) does the same with 20 kills.
 */
import { describe, expect, it } from 'vitest'
import { collectorKills } from './scenarios/collector-kills.ts'

describe('collector SIGKILLed under load while the agent retries', () => {
  it('stores every span the agent acknowledged across 3 kills', async () => {
    const result = await collectorKills({ kills: 3, minUpMs: 800, maxUpMs: 1500, producers: 2, spansPerRequest: 10 })
    console.log(JSON.stringify({ scenario: 'collector-kills', ...result }))
    for (const c of result.counts) {
      expect(c.expected).toBeGreaterThan(0)
      expect(c, JSON.stringify(c)).toMatchObject({ lost: 0, stray: 0 })
    }
  })
})
