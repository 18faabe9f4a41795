/** Full suite: 10 000 malformed or hostile OTLP payloads to the collector process. */
import { describe, expect, it } from 'vitest'
import { recordFigures } from './harness/figures.ts'
import { hostilePayloads } from './scenarios/hostile-payloads.ts'

describe('malformed and hostile OTLP payloads (full)', () => {
  it('answers 10 000 of them 4xx without a restart and with bounded memory', async () => {
    const r = await hostilePayloads({ count: 10_000, seed: 0xfa17_0002, concurrency: 8, maxBodyBytes: 1 << 20 })
    recordFigures('hostile-payloads-10k', r)
    expect(r.unexpected).toEqual([])
    expect(r.non4xx).toBe(0)
    expect(r.samePidAtEnd).toBe(true)
    expect(r.rssPeakBytes - r.rssStartBytes).toBeLessThan(200 << 20)
    expect(r.validAfterwards).toBe(200)
  })
})
