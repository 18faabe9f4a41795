/** Full suite: the collector SIGKILLed 20× under load while the real agent retries: lost = 0. */
import { describe, expect, it } from 'vitest'
import { recordFigures } from './harness/figures.ts'
import { collectorKills } from './scenarios/collector-kills.ts'

describe('collector SIGKILLed under load while the agent retries (full)', () => {
  it('stores every span the agent acknowledged across 20 kills', async () => {
    const result = await collectorKills({ kills: 20, minUpMs: 1000, maxUpMs: 3000, producers: 2, spansPerRequest: 10 })
    recordFigures('collector-kills-20', { kills: result.kills, durationMs: result.durationMs, counts: result.counts })
    for (const c of result.counts) {
      expect(c.expected).toBeGreaterThan(0)
      expect(c, JSON.stringify(c)).toMatchObject({ lost: 0, stray: 0 })
    }
  })
})
