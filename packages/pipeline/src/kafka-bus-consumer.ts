/**
 * A consumer-group member of the KafkaBus, over kafkajs `eachBatch`.
 *
 * Invariants:
 * - No auto-commit, `eachBatchAutoResolve: false`: an offset is resolved and committed only after
 *   `eachBatch` resolved for the records below it.
 * - A fetched kafkajs batch is handed over in chunks of at most maxBatchRecords; each chunk is
 *   committed before the next is handed over.
 * - A chunk whose handler threw is delivered again: the partition is sought back to the chunk's
 *   first offset (which, without auto-commit, only moves the fetch position), after a backoff that
 *   doubles per consecutive failure, with heartbeats during it.
 * - A chunk whose handler threw BatchTooShort(through) is handed over again at once, lengthened
 *   through that offset: from the same kafkajs batch when it holds the offset; otherwise the rest
 *   of the batch is carried (resolved so kafkajs fetches on, but not committed) and put in front of
 *   the partition's next batch — if that batch continues after it; a batch from elsewhere (a seek
 *   back, a rejoin from the committed offset) drops the carry. Lengthening stops at
 *   MAX_EXTENDED_BATCH_BYTES or when the handler asks again for no further offset: then the chunk
 *   fails as usual.
 * - Heartbeats run every heartbeatIntervalMs while a handler works, so a long batch does not get the
 *   member evicted. A chunk's offset is resolved only after its commit succeeded; a refused commit
 *   (evicted: UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS) seeks the partition back
 *   to the chunk's first offset and is rethrown to kafkajs, which rejoins; the chunk was not
 *   committed, so whoever owns the partition next gets it again (at-least-once, never skipped).
 * - The member survives crashes: kafkajs restarts itself only after retriable errors
 *   (CRASH restart=true). On CRASH restart=false (outside stop()) this supervisor builds a fresh
 *   kafkajs consumer with the same group, topics and handler, after a backoff doubling from
 *   retryBackoffMs to maxRetryBackoffMs (reset by a committed chunk), warns and counts
 *   `consumer_restarts`. Partitions paused through this Consumer stay paused across a restart.
 */
import type { Admin, EachBatchPayload, Consumer as KafkaConsumer, Kafka, KafkaMessage } from 'kafkajs'
import type { Logger } from 'pino'
import { BatchTooShort, MAX_EXTENDED_BATCH_BYTES, type ConsumedRecord, type Consumer, type ConsumerRunOptions, type PartitionLag } from './bus.ts'
import type { ResolvedKafkaBusConfig } from './bus-config.ts'
import type { BusCounters } from './bus-deps.ts'
import { setHeader } from './bus-headers.ts'

export interface KafkaConsumerDeps {
  kafka: Kafka
  admin: () => Promise<Admin>
  options: ConsumerRunOptions
  settings: ResolvedKafkaBusConfig
  logger: Logger
  counters: BusCounters
}

export async function startKafkaConsumer(deps: KafkaConsumerDeps): Promise<Consumer> {
  const { kafka, options, settings, logger, counters } = deps
  let assigned: Array<{ topic: string; partition: number }> = []
  const failures = new Map<string, number>()
  /** per partition: fetched messages a handler asked to see more after (BatchTooShort), not committed */
  const carried = new Map<string, KafkaMessage[]>()
  /** partitions paused by the host: re-applied to a restarted member */
  const paused = new Map<string, { topic: string; partition: number }>()
  let current: KafkaConsumer
  let stopping = false
  let consecutiveRestarts = 0
  let restartTimer: NodeJS.Timeout | undefined
  /** the restart in progress, so stop() waits for it and then disconnects what it made */
  let restarting: Promise<void> | null = null

  const createMember = async (): Promise<KafkaConsumer> => {
    const consumer: KafkaConsumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: settings.sessionTimeoutMs,
      rebalanceTimeout: settings.rebalanceTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      maxBytesPerPartition: settings.maxBytesPerPartition,
      maxBytes: settings.maxBytesPerPartition * 4,
      maxWaitTimeInMs: settings.maxWaitTimeMs,
      allowAutoTopicCreation: false,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
    })
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      assigned = Object.entries(event.payload.memberAssignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => ({ topic, partition })),
      )
    })
    consumer.on(consumer.events.CRASH, (event) => {
      // restart=true: kafkajs rejoins by itself; restart=false: it has disconnected for good
      if (event.payload.restart || stopping || consumer !== current) return
      assigned = []
      scheduleRestart(event.payload.error)
    })
    try {
      await consumer.connect()
      await consumer.subscribe({ topics: options.topics, fromBeginning: true })
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => eachBatch(consumer, payload),
      })
    } catch (error) {
      await consumer.disconnect().catch(() => undefined)
      throw new Error(`cannot join consumer group ${options.groupId} on ${options.topics.join(', ')}`, { cause: error })
    }
    for (const { topic, partition } of paused.values()) consumer.pause([{ topic, partitions: [partition] }])
    return consumer
  }

  function scheduleRestart(cause: unknown): void {
    if (stopping || restartTimer) return
    consecutiveRestarts++
    const backoffMs = Math.min(settings.maxRetryBackoffMs, settings.retryBackoffMs * 2 ** Math.min(consecutiveRestarts - 1, 20))
    counters.add('consumer_restarts')
    logger.warn(
      { groupId: options.groupId, topics: options.topics, err: cause, backoffMs, consecutiveRestarts },
      'bus consumer: kafkajs consumer crashed without restarting; rejoining the group with a new member',
    )
    restartTimer = setTimeout(() => {
      restartTimer = undefined
      restarting = (async () => {
        const old = current
        await old.disconnect().catch(() => undefined)
        if (stopping) return
        try {
          const next = await createMember()
          current = next
          if (stopping) await next.disconnect().catch(() => undefined)
        } catch (error) {
          scheduleRestart(error)
        }
      })().finally(() => {
        restarting = null
      })
    }, backoffMs)
  }

  async function eachBatch(consumer: KafkaConsumer, { batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch
    const key = `${topic}/${partition}`
    const messages = withCarry(key, batch.messages)
    /** the chunk starting at `start` runs through this offset (BatchTooShort) */
    let lengthenThrough: bigint | undefined
    for (let start = 0; start < messages.length; ) {
      if (!isRunning() || isStale()) return
      const end = lengthenThrough === undefined ? start + settings.maxBatchRecords : lengthenedEnd(messages, start, lengthenThrough)
      const chunk = messages.slice(start, end)
      const first = chunk[0]!.offset
      const last = chunk[chunk.length - 1]!.offset
      const beat = setInterval(() => void heartbeat().catch(() => undefined), settings.heartbeatIntervalMs)
      try {
        await options.eachBatch({ topic, partition, records: chunk.map(toRecord), highWatermark: batch.highWatermark })
      } catch (error) {
        const through = error instanceof BatchTooShort ? BigInt(error.throughOffset) : undefined
        if (through !== undefined && through > BigInt(last) && (lengthenThrough === undefined || through > lengthenThrough)) {
          counters.add('batches_lengthened')
          const lastFetched = messages[messages.length - 1]!
          if (BigInt(lastFetched.offset) >= through || sizeBytes(messages, start) >= MAX_EXTENDED_BATCH_BYTES) {
            lengthenThrough = through
            continue
          }
          // the offset is not fetched yet: fetch on (resolve, do not commit) and hand the chunk over
          // again in front of the next batch
          carried.set(key, messages.slice(start))
          resolveOffset(lastFetched.offset)
          return
        }
        const count = (failures.get(key) ?? 0) + 1
        failures.set(key, count)
        const backoffMs = Math.min(settings.maxRetryBackoffMs, settings.retryBackoffMs * 2 ** (count - 1))
        counters.add('batches_failed')
        logger.warn(
          { topic, partition, groupId: options.groupId, err: error, failures: count, backoffMs },
          'bus consumer: batch handler failed; the batch will be delivered again',
        )
        consumer.seek({ topic, partition, offset: first })
        await sleepWithHeartbeats(backoffMs, heartbeat, settings.heartbeatIntervalMs, isRunning)
        return
      } finally {
        clearInterval(beat)
      }
      failures.delete(key)
      counters.add('records_consumed', chunk.length)
      try {
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }])
      } catch (error) {
        // not committed: fetch this chunk again (if the partition stays ours) and let kafkajs rejoin
        // or crash; either way the chunk is delivered again, to us or to the partition's next owner
        logger.warn({ topic, partition, groupId: options.groupId, err: error }, 'bus consumer: commit refused; the batch will be delivered again')
        try {
          consumer.seek({ topic, partition, offset: first })
        } catch {
          // the member is already stopping; its successor starts from the committed offset
        }
        throw error
      }
      // resolved only once committed, so the local fetch position never passes an uncommitted
      // chunk (except a carried one, which is in memory and handed over next)
      resolveOffset(last)
      consecutiveRestarts = 0
      start = end
      lengthenThrough = undefined
    }
  }

  /** the partition's carried messages in front of `messages`, when `messages` continue after them */
  function withCarry(key: string, messages: KafkaMessage[]): KafkaMessage[] {
    const carry = carried.get(key)
    carried.delete(key)
    if (!carry || messages.length === 0) return messages
    return BigInt(messages[0]!.offset) > BigInt(carry[carry.length - 1]!.offset) ? [...carry, ...messages] : messages
  }

  current = await createMember()

  let stopped: Promise<void> | null = null
  return {
    pause(topic, partition) {
      paused.set(`${topic}/${partition}`, { topic, partition })
      current.pause([{ topic, partitions: [partition] }])
    },
    resume(topic, partition) {
      paused.delete(`${topic}/${partition}`)
      current.resume([{ topic, partitions: [partition] }])
    },
    async lag(): Promise<PartitionLag[]> {
      const mine = assigned
      if (mine.length === 0) return []
      const admin = await deps.admin()
      const topics = [...new Set(mine.map((a) => a.topic))]
      const committed = await admin.fetchOffsets({ groupId: options.groupId, topics })
      const result: PartitionLag[] = []
      for (const topic of topics) {
        const ends = await admin.fetchTopicOffsets(topic)
        const groupOffsets = committed.find((c) => c.topic === topic)?.partitions ?? []
        for (const { partition } of mine.filter((a) => a.topic === topic)) {
          const end = ends.find((e) => e.partition === partition)
          const high = BigInt(end?.high ?? '0')
          const low = BigInt(end?.low ?? '0')
          const raw = groupOffsets.find((g) => g.partition === partition)?.offset ?? '-1'
          // -1: nothing committed yet; the group starts at the log start (fromBeginning)
          const at = BigInt(raw) < 0n ? low : BigInt(raw)
          result.push({ topic, partition, committedOffset: at.toString(), highWatermark: high.toString(), lag: Number(high > at ? high - at : 0n) })
        }
      }
      return result
    },
    stop() {
      // disconnect stops fetching, waits for the batch in hand and leaves the group
      stopped ??= (async () => {
        stopping = true
        clearTimeout(restartTimer)
        restartTimer = undefined
        await restarting
        await current.disconnect()
        assigned = []
      })()
      return stopped
    },
  }
}

/** the end index of a chunk from `start` running through offset `through`, within MAX_EXTENDED_BATCH_BYTES */
function lengthenedEnd(messages: readonly KafkaMessage[], start: number, through: bigint): number {
  let end = start
  let bytes = 0
  while (end < messages.length && BigInt(messages[end]!.offset) <= through && (end === start || bytes < MAX_EXTENDED_BATCH_BYTES)) {
    bytes += messageBytes(messages[end]!)
    end++
  }
  return end
}

function sizeBytes(messages: readonly KafkaMessage[], start: number): number {
  let bytes = 0
  for (let i = start; i < messages.length; i++) bytes += messageBytes(messages[i]!)
  return bytes
}

function messageBytes(message: KafkaMessage): number {
  return (message.value?.length ?? 0) + (message.key?.length ?? 0)
}

function toRecord(message: KafkaMessage): ConsumedRecord {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue
    setHeader(headers, name, Array.isArray(value) ? String(value[value.length - 1]) : value.toString())
  }
  return {
    key: message.key,
    value: message.value ?? Buffer.alloc(0),
    headers,
    offset: message.offset,
    timestampMs: Number(message.timestamp),
  }
}

async function sleepWithHeartbeats(ms: number, heartbeat: () => Promise<void>, intervalMs: number, isRunning: () => boolean): Promise<void> {
  const until = Date.now() + ms
  while (Date.now() < until && isRunning()) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, until - Date.now())))
    await heartbeat().catch(() => undefined)
  }
}
