/**
 * Full suite: a Kafka broker of the suite's own stopped for 20 s mid-stream and restarted: the
 * collector answers 503 meanwhile, the agent buffers and retries, lost = 0 after recovery.
 */
import { describe, expect, it } from 'vitest'
import { recordFigures } from './harness/figures.ts'
import { brokerRestart } from './scenarios/broker-restart.ts'

describe('Kafka broker stopped and restarted mid-stream (full)', () => {
  it('503 while it is down, nothing lost after recovery', async () => {
    const r = await brokerRestart(20_000)
    recordFigures('broker-restart', r)
    const probes = Object.values(r.probeStatuses).reduce((a, b) => a + b, 0)
    expect(r.probeStatuses[503]).toBe(probes)
    expect(r.probesWithRetryAfter).toBe(probes)
    expect(r.ackedWhileDown).toBeGreaterThan(0)
    for (const c of r.counts) expect(c, JSON.stringify(c)).toMatchObject({ lost: 0, stray: 0 })
  })
})
