/**
 * CI subset of the reliability suite: 1 000 malformed or hostile OTLP/HTTP requests over real
 * sockets to the collector process: all 4xx, the process never restarts, memory stays bounded,
 * a valid request still succeeds. The full suite (hostile-payloads.fault.ts) sends 10 000.
 */
import { describe, expect, it } from 'vitest'
import { hostilePayloads } from './scenarios/hostile-payloads.ts'

describe('malformed and hostile OTLP payloads against the collector process', () => {
  it('answers 1000 of them 4xx without a restart and with bounded memory', async () => {
    const r = await hostilePayloads({ count: 1000, seed: 0xfa17_0001, concurrency: 4, maxBodyBytes: 1 << 20 })
    console.log(JSON.stringify({ scenario: 'hostile-payloads', ...r }))
    expect(r.unexpected).toEqual([])
    expect(r.non4xx).toBe(0)
    expect(Object.keys(r.statuses).sort()).toEqual(['auth', 'bad_gzip', 'bad_json', 'bad_tag', 'encoding', 'gzip_bomb', 'hostile_json', 'media_type', 'oversized', 'truncated'])
    expect(r.samePidAtEnd).toBe(true)
    expect(r.rssPeakBytes - r.rssStartBytes).toBeLessThan(200 << 20)
    expect(r.validAfterwards).toBe(200)
  })
})
