/**
 * KafkaBus: the bus contract over kafkajs (kept behind the contract, so another client can
 * replace it without touching the collector or ingest).
 *
 * - Producer: idempotent, acks=all (-1), one request in flight per broker (what kafkajs needs for
 *   idempotence to keep order), gzip compression, Java-compatible murmur2 partitioner (records with
 *   the same key land on the same partition as with any other Kafka client); `partitioner(topic)`
 *   exposes that function (kafka-bus-partitioner.ts).
 * - `send` never hangs: kafkajs retries are bounded, and the whole send races a sendTimeoutMs timer;
 *   broker down, unknown topic, leader moves and timeouts resolve retryable; records the broker
 *   refuses for good (too large, invalid) resolve failure.
 * - Connections are made lazily, so a service starts while Kafka is down and reports not ready.
 */
import { readFileSync } from 'node:fs'
import { CompressionTypes, Kafka, Partitioners, logLevel, type Admin, type KafkaConfig, type Producer, type SASLOptions } from 'kafkajs'
import type { Bus, Consumer, SendOutcome } from './bus.ts'
import { deadLetterTopic } from './bus.ts'
import { resolveKafkaBusConfig, type KafkaBusConfig, type ResolvedKafkaBusConfig } from './bus-config.ts'
import { resolveBusDeps, type BusDeps } from './bus-deps.ts'
import { BusClosedError, withSendTimeout } from './bus-outcome.ts'
import { startKafkaConsumer } from './kafka-bus-consumer.ts'
import { createKafkaPartitioners } from './kafka-bus-partitioner.ts'
import { createKafkaLogCreator } from './kafka-bus-logger.ts'

/** protocol error types a retry cannot fix */
const NON_RETRYABLE_TYPES = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_REQUIRED_ACKS',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_COMPRESSION_TYPE',
])
const READY_TIMEOUT_MS = 2_000
/** how long a topic's partition count is trusted by `partitioner` before it is read again */
const PARTITIONER_MAX_AGE_MS = 30_000

export async function openKafkaBus(config: KafkaBusConfig, busDeps?: BusDeps): Promise<Bus> {
  const settings = resolveKafkaBusConfig(config)
  const { logger, counters } = resolveBusDeps(busDeps)
  if (settings.requestTimeoutMs >= settings.sendTimeoutMs) {
    logger.warn(
      { requestTimeoutMs: settings.requestTimeoutMs, sendTimeoutMs: settings.sendTimeoutMs },
      'bus: requestTimeoutMs >= sendTimeoutMs, so a send may time out while its request is still in flight; consider lowering bus.requestTimeoutMs',
    )
  }
  const kafka = new Kafka(clientConfig(settings, logger))
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: retrySettings(settings),
  })
  const admin: Admin = kafka.admin({ retry: retrySettings(settings) })
  const compression = settings.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None
  const consumers = new Set<Consumer>()
  let closed = false

  let producerConnected: Promise<void> | null = null
  const connectProducer = (): Promise<void> =>
    (producerConnected ??= producer.connect().catch((error: unknown) => {
      producerConnected = null
      throw error
    }))
  let adminConnected: Promise<void> | null = null
  const connectAdmin = (): Promise<Admin> =>
    (adminConnected ??= admin.connect().catch((error: unknown) => {
      adminConnected = null
      throw error
    })).then(() => admin)

  const partitioners = createKafkaPartitioners({
    maxAgeMs: PARTITIONER_MAX_AGE_MS,
    partitionCount: async (topic) => {
      const { topics } = await (await connectAdmin()).fetchTopicMetadata({ topics: [topic] })
      return topics.find((t) => t.name === topic)?.partitions.length ?? 0
    },
  })

  function classify(error: unknown): SendOutcome {
    const err = error instanceof Error ? error : new Error(String(error))
    if (errorTypes(err).some((type) => NON_RETRYABLE_TYPES.has(type))) return { status: 'failure', error: err }
    return { status: 'retryable', error: err }
  }

  const bus: Bus = {
    kind: 'kafka',
    async ensureTopics(names) {
      const all = [...new Set(names.flatMap((t) => [t, deadLetterTopic(t)]))]
      const client = await connectAdmin()
      await client.createTopics({
        waitForLeaders: true,
        timeout: settings.requestTimeoutMs,
        topics: all.map((topic) => ({ topic, numPartitions: settings.partitions, replicationFactor: settings.replicationFactor })),
      })
    },
    async send(topic, records) {
      if (closed) return { status: 'retryable', error: new BusClosedError('the Kafka bus is closed') }
      if (records.length === 0) return { status: 'success' }
      const attempt = (async (): Promise<SendOutcome> => {
        await connectProducer()
        await producer.send({
          topic,
          acks: -1,
          timeout: settings.requestTimeoutMs,
          compression,
          messages: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
        })
        return { status: 'success' }
      })().catch(classify)
      const outcome = await withSendTimeout(attempt, settings.sendTimeoutMs)
      if (outcome.status === 'success') counters.add('records_sent', records.length)
      else counters.add(outcome.status === 'retryable' ? 'sends_retryable' : 'sends_failed')
      return outcome
    },
    async partitioner(topic) {
      if (closed) return null
      return partitioners.get(topic)
    },
    async consume(options) {
      if (closed) throw new BusClosedError('the Kafka bus is closed')
      const consumer = await startKafkaConsumer({ kafka, admin: connectAdmin, options, settings, logger, counters })
      consumers.add(consumer)
      return {
        ...consumer,
        async stop() {
          consumers.delete(consumer)
          await consumer.stop()
        },
      }
    },
    async ready() {
      if (closed) return false
      const probe = (async () => {
        await connectProducer()
        await (await connectAdmin()).describeCluster()
        return true
      })().catch(() => false)
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS)))
      return Promise.race([probe, timeout]).finally(() => clearTimeout(timer))
    },
    async close() {
      if (closed) return
      closed = true
      await Promise.all([...consumers].map((c) => c.stop()))
      consumers.clear()
      await producer.disconnect().catch(() => undefined)
      await admin.disconnect().catch(() => undefined)
    },
  }
  return bus
}

function clientConfig(settings: ResolvedKafkaBusConfig, logger: import('pino').Logger): KafkaConfig {
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    enforceRequestTimeout: true,
    retry: retrySettings(settings),
    logLevel: logLevel.WARN,
    logCreator: createKafkaLogCreator(logger),
  }
  if (settings.ssl) {
    const { caPath, certPath, keyPath, rejectUnauthorized } = settings.ssl
    config.ssl = {
      rejectUnauthorized: rejectUnauthorized ?? true,
      ...(caPath ? { ca: [readFileSync(caPath, 'utf8')] } : {}),
      ...(certPath ? { cert: readFileSync(certPath, 'utf8') } : {}),
      ...(keyPath ? { key: readFileSync(keyPath, 'utf8') } : {}),
    }
  }
  if (settings.sasl) {
    const { mechanism, username, password } = settings.sasl
    config.sasl = { mechanism, username, password } as SASLOptions
  }
  return config
}

/** kafkajs retries: few and short, so an operation gives up well within sendTimeoutMs */
function retrySettings(settings: ResolvedKafkaBusConfig): { retries: number; initialRetryTime: number; maxRetryTime: number } {
  return { retries: 5, initialRetryTime: 100, maxRetryTime: Math.min(1_000, Math.max(100, Math.floor(settings.sendTimeoutMs / 5))) }
}

/** protocol error types anywhere in a kafkajs error chain (causes, retries exceeded, aggregates) */
function errorTypes(error: unknown, depth = 0): string[] {
  if (!error || typeof error !== 'object' || depth > 5) return []
  const e = error as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown }
  const own = typeof e.type === 'string' ? [e.type] : []
  const nested = [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])].flatMap((c) => errorTypes(c, depth + 1))
  return [...own, ...nested]
}
