import { createServer } from 'node:net'
import { pino } from 'pino'
import { describe, expect, inject, it } from 'vitest'
import { registerBusContract, sleep, uniqueTopic, waitFor } from './bus.contract.ts'
import type { KafkaBusConfig } from './bus-config.ts'
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

  it('is ready against the running broker', async () => {
    const bus = await openBus(config(), { logger: pino({ level: 'silent' }) })
    try {
      expect(await bus.ready()).toBe(true)
    } finally {
      await bus.close()
    }
  })
})
