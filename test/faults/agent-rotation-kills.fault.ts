/**
 * Full suite: the agent SIGKILLed 20× while tailing two busy files rotated by rename every ~2 s
 * (80 writes of 10 lines, 20 ms apart): lost = 0, duplicates at most the unacknowledged batches in
 * flight per kill. A restart takes longer than a rotation period on a busy machine, so files are rotated
 * more than once while the agent is down: generations it never saw must be found and read.
 */
import { describe, expect, it } from 'vitest'
import { recordFigures } from './harness/figures.ts'
import { agentRotationKills } from './scenarios/agent-rotation-kills.ts'

describe('agent SIGKILLed during rename rotation of busy files (full)', () => {
  it('loses no line across 20 kills', async () => {
    const r = await agentRotationKills({ kills: 20, files: 2, linesPerWrite: 10, writeEveryMs: 20, rotateEveryWrites: 80, batchMaxRecords: 200, minLifeMs: 500, maxLifeMs: 2000 })
    recordFigures('agent-rotation-kills-20', r)
    expect(r.rotations).toBeGreaterThanOrEqual(40)
    for (const c of r.counts) {
      expect(c.expected).toBeGreaterThan(0)
      expect(c, JSON.stringify(c)).toMatchObject({ lost: 0, stray: 0 })
    }
    const duplicated = r.counts.reduce((n, c) => n + c.duplicated, 0)
    expect(duplicated).toBeLessThanOrEqual(r.duplicateBound)
  })
})
