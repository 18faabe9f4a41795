/** Full suite: ingest SIGKILLed 20× mid-stream with the local log and with Kafka: lost = 0, duplicated = 0. */
import { describe, expect, it } from 'vitest'
import { dedicatedBroker } from './harness/kafka-broker.ts'
import { recordFigures } from './harness/figures.ts'
import { kafkaBus } from './harness/stack.ts'
import { ingestKills } from './scenarios/ingest-kills.ts'

describe('ingest SIGKILLed mid-stream 20× (full)', () => {
  it('local log: loses and duplicates nothing', async () => {
    const result = await ingestKills({ kills: 20, bus: 'local', recordsPerChunk: 200, spansPerRecord: 10, minLifeMs: 300, maxLifeMs: 1500 })
    recordFigures('ingest-kills-local-20', result)
    expect(result.counts, JSON.stringify(result.counts)).toMatchObject({ expected: 20 * 200 * 10, lost: 0, duplicated: 0, stray: 0 })
    expect(result.midStreamKills).toBeGreaterThanOrEqual(10)
  })

  it('Kafka (a broker of its own): loses and duplicates nothing', async () => {
    const broker = await dedicatedBroker()
    try {
      const result = await ingestKills({
        kills: 20,
        bus: { kind: 'kafka', busConfig: (clientId) => kafkaBus(broker.brokers, clientId) },
        // ~400 spans/s in the background: each life spends ~20 s rejoining the group (the killed
        // member's session must expire), so a faster producer outruns the lives' catch-up
        recordsPerChunk: 40,
        produceEveryMs: 1_000,
        spansPerRecord: 10,
        minLifeMs: 1500,
        maxLifeMs: 3500,
      })
      recordFigures('ingest-kills-kafka-20', result)
      expect(result.counts.expected).toBeGreaterThan(0)
      expect(result.counts, JSON.stringify(result.counts)).toMatchObject({ lost: 0, duplicated: 0, stray: 0 })
    } finally {
      await broker.remove()
    }
  })
})
