/**
 * 10 000 mutated payloads against the collector app: truncations, truncated and overlong
 * varints, nesting far beyond the decoder's limit, attribute lists past the body limit, bad
 * UTF-8, gzip bombs, gzip sent as plain, and random byte flips. Every invalid one must be
 * answered 4xx (never 5xx, never accepted), random flips anything but 5xx; the process stays up,
 * its memory bounded, and it still accepts a valid request afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeTraces } from '@periscope/model'
import { TOPICS } from '@periscope/pipeline'
import { createHarness, TEST_CONFIG, type Harness } from './testing/app-harness.ts'
import { createMutator, type MutationClass } from './testing/mutator.ts'
import { T0_NS, span, traces } from './testing/otlp-fixtures.ts'

const SEED = 0x5eed_c011
const COUNT = 10_000
const MAX_BODY_BYTES = 256 << 10

let h: Harness
beforeAll(async () => {
  h = await createHarness({ config: { http: { ...TEST_CONFIG.http, maxBodyBytes: MAX_BODY_BYTES } } })
})
afterAll(async () => {
  await h?.app.close()
})

describe('robustness against mutated payloads', () => {
  it(`answers ${COUNT} mutants (seed ${SEED}) with 4xx, stays up, and keeps memory bounded`, async () => {
    const jsonBodies = [1, 3, 10].map((n) => Buffer.from(encodeTraces(traces(Array.from({ length: n }, () => span())), 'json')))
    const next = createMutator({ seed: SEED, nowNs: T0_NS, maxBodyBytes: MAX_BODY_BYTES, jsonBodies })
    const statusesBy = new Map<MutationClass, Map<number, number>>()
    const rss0 = process.memoryUsage().rss
    let rssPeak = rss0
    const failures: string[] = []

    for (let n = 0; n < COUNT; n++) {
      const mutant = next()
      const headers: Record<string, string> = { authorization: `Bearer ${h.keyOf.t1}`, 'content-type': mutant.contentType }
      if (mutant.contentEncoding) headers['content-encoding'] = mutant.contentEncoding
      const res = await h.app.inject({ method: 'POST', url: '/v1/traces', payload: mutant.body, headers })
      const byStatus = statusesBy.get(mutant.kind) ?? new Map<number, number>()
      byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1)
      statusesBy.set(mutant.kind, byStatus)
      const ok = mutant.invalid ? res.statusCode >= 400 && res.statusCode < 500 : res.statusCode < 500
      if (!ok && failures.length < 10) failures.push(`#${n} ${mutant.kind}: ${res.statusCode} ${res.payload.slice(0, 200)}`)
      if (n % 250 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage().rss)
    }

    expect(failures).toEqual([])
    // every class was exercised
    expect([...statusesBy.keys()].sort()).toEqual(['bad_utf8', 'bad_varint', 'bomb', 'corrupt', 'deep_nesting', 'huge_attributes', 'truncated', 'wrong_encoding'])
    expect(statusesBy.get('bomb')).toEqual(new Map([[413, statusesBy.get('bomb')!.get(413)]]))
    expect(statusesBy.get('huge_attributes')!.get(413)).toBe([...statusesBy.get('huge_attributes')!.values()].reduce((a, b) => a + b, 0))
    // bounded: a bomb inflates to at most the body limit, and nothing accumulates across requests
    expect(rssPeak - rss0).toBeLessThan(256 << 20)

    const valid = await h.app.inject({
      method: 'POST',
      url: '/v1/traces',
      payload: Buffer.from(encodeTraces(traces([span()]), 'protobuf')),
      headers: { authorization: `Bearer ${h.keyOf.t1}`, 'content-type': 'application/x-protobuf' },
    })
    expect(valid.statusCode).toBe(200)
    // only the valid request, and random flips that happened to stay valid, reached the bus
    const flipsAccepted = statusesBy.get('corrupt')?.get(200) ?? 0
    expect(h.bus.sent.filter((s) => s.topic === TOPICS.traces).length).toBeLessThanOrEqual(1 + flipsAccepted)
  }, 120_000)
})
