/** Full suite: the collector down for 2 minutes; the agent's disk buffer holds the data; lost = 0. */
import { describe, expect, it } from 'vitest'
import { recordFigures } from './harness/figures.ts'
import { collectorOutage } from './scenarios/collector-outage.ts'

describe('collector down for 2 minutes (full)', () => {
  it('the agent buffers on disk and nothing is lost after recovery', async () => {
    const r = await collectorOutage(120_000)
    recordFigures('collector-outage-2min', r)
    expect(r.ackedDuringOutage).toBeGreaterThan(0)
    expect(r.bufferedEntriesAtRecovery).toBeGreaterThan(0)
    for (const c of r.counts) expect(c, JSON.stringify(c)).toMatchObject({ lost: 0, stray: 0 })
  })
})
