/**
 * Full suite: the agent SIGKILLed 20× while tailing two busy files rotated by rename: lost = 0,
 * duplicates at most one unacknowledged batch per kill.
 */
import { describe, expect, it } from 'vitest'
import { recordFigures } from './harness/figures.ts'
import { agentRotationKills } from './scenarios/agent-rotation-kills.ts'

describe('agent SIGKILLed during rename rotation of busy files (full)', () => {
  it('loses no line across 20 kills', async () => {
    const r = await agentRotationKills({ kills: 20, files: 2, linesPerWrite: 10, writeEveryMs: 20, rotateEveryWrites: 400, batchMaxRecords: 200, minLifeMs: 500, maxLifeMs: 2000 })
    recordFigures('agent-rotation-kills-20', r)
    expect(r.rotations).toBeGreaterThanOrEqual(10)
    for (const c of r.counts) {
      expect(c.expected).toBeGreaterThan(0)
      expect(c, JSON.stringify(c)).toMatchObject({ lost: 0, stray: 0 })
    }
    const duplicated = r.counts.reduce((n, c) => n + c.duplicated, 0)
    expect(duplicated).toBeLessThanOrEqual(r.duplicateBound)
  })
})
