/**
 * CI subset of the reliability suite: the real ingest process SIGKILLed 3× mid-stream over the
 * local log; every span is in ClickHouse exactly once (lost = 0, duplicated = 0, no stray rows,
 * counted in SQL).
 * The full suite (ingest-kills.fault.ts) kills it 20× with the local log and 20× with Kafka and
 * with Kafka too.
 * ingest's own crash tests (ingest/src/ingest.crash.int.test.ts) place 5 kills at exact insert
 * markers in a test child and assert lost = 0 and duplicated = 0; this one runs the deployed
 * main.ts and kills at random moments, each life with other batch sizes.
 */
import { describe, expect, it } from 'vitest'
import { ingestKills } from './scenarios/ingest-kills.ts'

describe('ingest SIGKILLed mid-stream (local log)', () => {
  it('loses and duplicates nothing across 3 kills', async () => {
    const result = await ingestKills({ kills: 3, bus: 'local', recordsPerChunk: 300, spansPerRecord: 10, minLifeMs: 300, maxLifeMs: 1200 })
    console.log(JSON.stringify({ scenario: 'ingest-kills-local', ...result }))
    expect(result.counts.expected).toBe(3 * 300 * 10)
    expect(result.counts, JSON.stringify(result.counts)).toMatchObject({ lost: 0, duplicated: 0, stray: 0 })
    expect(result.midStreamKills).toBeGreaterThanOrEqual(1)
  })
})
