import { createServer } from 'node:net'
import { pino } from 'pino'
import { describe, expect, inject, it } from 'vitest'
import { registerBusContract, sleep, uniqueTopic, waitFor } from './bus.contract.ts'
import type { KafkaBusConfig } from './bus-config.ts'
import { createBusCounters } from './bus-deps.ts'
import { openBus } from './open-bus.ts'

const brokers = inject('kafkaBrokers').split(',')

const config = (): KafkaBusConfig => ({
  kind: 'kafka',
  brokers,
  clientId: 'periscope-contract',
  partitions: 3,
  replicationFactor: 1,
  sendTimeoutMs: 5_000,
  requestTimeoutMs: 4_000,
  // short enough that a killed member leaves its group quickly (the test broker allows >= 1 s)
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  rebalanceTimeoutMs: 10_000,
  maxBatchRecords: 10,
  maxWaitTimeMs: 200,
  retryBackoffMs: 50,
})

registerBusContract({ name: 'KafkaBus', partitions: 3, config })

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('KafkaBus', () => {
  it('answers retryable in bounded time, and not ready, when the broker is down', async () => {
    const port = await closedPort()
    const bus = await openBus({ ...config(), brokers: [`127.0.0.1:${port}`], sendTimeoutMs: 2_000 }, { logger: pino({ level: 'silent' }) })
    try {
      const t0 = Date.now()
      const outcome = await bus.send('otlp.traces', [{ key: null, value: Buffer.from('x'), headers: {} }])
      const elapsedMs = Date.now() - t0
      expect(outcome.status).toBe('retryable')
      expect(elapsedMs).toBeLessThan(3_000)
      expect(await bus.ready()).toBe(false)
    } finally {
      await bus.close()
    }
  })

  it('heartbeats through a batch longer than the session timeout, so the member keeps its partitions', async () => {
    const bus = await openBus({ ...config(), sessionTimeoutMs: 2_000, heartbeatIntervalMs: 300 }, { logger: pino({ level: 'silent' }) })
    try {
      const topic = uniqueTopic('long-batch')
      await bus.ensureTopics([topic])
      expect((await bus.send(topic, [{ key: null, value: Buffer.from('slow'), headers: {} }])).status).toBe('success')
      let deliveries = 0
      const consumer = await bus.consume({
        groupId: 'long-batch',
        topics: [topic],
        async eachBatch() {
          deliveries++
          if (deliveries === 1) await sleep(5_000)
        },
      })
      try {
        await waitFor('the slow batch to be committed', async () => deliveries >= 1 && (await consumer.lag()).every((l) => l.lag === 0), 20_000)
        await sleep(1_000)
        // evicted members lose their commit and get the batch again; a heartbeating one does not
        expect(deliveries).toBe(1)
      } finally {
        await consumer.stop()
      }
    } finally {
      await bus.close()
    }
  })

  it('rejoins after being evicted mid-batch (event loop blocked past the session timeout): every record is consumed, the evicted batch again', async () => {
    const counters = createBusCounters()
    const bus = await openBus({ ...config(), sessionTimeoutMs: 1_500, heartbeatIntervalMs: 300, rebalanceTimeoutMs: 3_000 }, { logger: pino({ level: 'silent' }), counters })
    try {
      const topic = uniqueTopic('evicted')
      await bus.ensureTopics([topic])
      const sent = Array.from({ length: 60 }, (_, i) => `r${i}`)
      expect((await bus.send(topic, sent.map((v, i) => ({ key: Buffer.from(String(i % 7)), value: Buffer.from(v), headers: {} })))).status).toBe('success')
      const seen = new Map<string, number>()
      let blocked: string[] = []
      const consumer = await bus.consume({
        groupId: uniqueTopic('evicted-group'),
        topics: [topic],
        async eachBatch({ records }) {
          const values = records.map((r) => r.value.toString())
          for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1)
          if (blocked.length === 0) {
            blocked = values
            // no heartbeat can go out while the loop is blocked: the coordinator evicts the member,
            // and the commit of this batch is refused
            const until = Date.now() + 4_000
            while (Date.now() < until) {
              /* spin */
            }
          }
        },
      })
      try {
        await waitFor(
          'every record consumed and committed after the eviction',
          async () => sent.every((v) => seen.has(v)) && blocked.every((v) => (seen.get(v) ?? 0) >= 2) && (await consumer.lag()).some(() => true) && (await consumer.lag()).every((l) => l.lag === 0),
          25_000,
          () => `seen ${seen.size}/${sent.length}, blocked batch redelivered: ${blocked.map((v) => seen.get(v)).join(',')}, restarts ${counters.get('consumer_restarts')}`,
        )
      } finally {
        await consumer.stop()
      }
      // the batch whose commit was refused came again (at-least-once), nothing was skipped
      expect(blocked.length).toBeGreaterThan(0)
      expect(new Set(seen.keys())).toEqual(new Set(sent))
      // kafkajs gave up on the evicted member (CRASH restart=false); the bus built a new one
      expect(counters.get('consumer_restarts')).toBeGreaterThanOrEqual(1)
    } finally {
      await bus.close()
    }
  }, 40_000)

  it('partitioner(topic) names the partition every keyed record lands on', async () => {
    const bus = await openBus(config(), { logger: pino({ level: 'silent' }) })
    try {
      const topic = uniqueTopic('partitioner')
      await bus.ensureTopics([topic])
      const partitioner = await bus.partitioner!(topic)
      expect(partitioner?.partitions).toBe(3)
      const keys = Array.from({ length: 30 }, (_, i) => `${i.toString(16).padStart(8, '0')}-trace`)
      expect((await bus.send(topic, keys.map((k) => ({ key: Buffer.from(k), value: Buffer.from(k), headers: {} })))).status).toBe('success')
      const landed = new Map<string, number>()
      const consumer = await bus.consume({
        groupId: uniqueTopic('partitioner-group'),
        topics: [topic],
        async eachBatch(batch) {
          for (const r of batch.records) landed.set(r.key!.toString(), batch.partition)
        },
      })
      try {
        await waitFor('every record', () => landed.size === keys.length, 20_000)
      } finally {
        await consumer.stop()
      }
      for (const k of keys) expect(landed.get(k), k).toBe(partitioner!.partitionOf(Buffer.from(k)))
      expect(new Set(landed.values()).size).toBeGreaterThan(1)
    } finally {
      await bus.close()
    }
  })

  it('is ready against the running broker', async () => {
    const bus = await openBus(config(), { logger: pino({ level: 'silent' }) })
    try {
      expect(await bus.ready()).toBe(true)
    } finally {
      await bus.close()
    }
  })
})
