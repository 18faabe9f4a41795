/**
 * LocalLogBus: the embedded bus. A durable, segmented log on local disk with Kafka's shape
 * (topics, partitions, consumer groups, committed offsets) for the single-process deployment.
 *
 * Layout of `dir`:
 *   LOCK                                   pid of the process that has the log open
 *   topics/<topic>/meta.json               {"partitions": N}
 *   topics/<topic>/<partition>/<base>.log  segments (format: local-log-segment-format.ts)
 *   groups/<group>.json                    committed offsets (local-log-offsets.ts)
 *
 * Records with the same key go to the same partition (CRC-32 of the key modulo the partition
 * count; `partitioner(topic)` exposes that function); the records of one send without key go to
 * one partition, round-robin across sends.
 * `send` resolves once every record is fsynced (group commit), or retryable within sendTimeoutMs.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import type { Bus, BusRecord, Consumer, ConsumerRunOptions, SendOutcome } from './bus.ts'
import { deadLetterTopic } from './bus.ts'
import { resolveLocalBusConfig, type LocalBusConfig } from './bus-config.ts'
import { resolveBusDeps, type BusDeps } from './bus-deps.ts'
import { withSendTimeout, UnknownTopicError, BusClosedError } from './bus-outcome.ts'
import { createLocalGroups } from './local-log-consumer.ts'
import { fsyncDir, lockLogDirectory, writeFileAtomic } from './local-log-fs.ts'
import { openOffsetStore } from './local-log-offsets.ts'
import { BusFullError, openPartitionLog, type PartitionLog } from './local-log-partition.ts'
import { frameBytes } from './local-log-segment-format.ts'

/** Kafka's topic name rule; it also keeps names safe as directory names */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/

export async function openLocalLogBus(config: LocalBusConfig, busDeps?: BusDeps): Promise<Bus> {
  const settings = resolveLocalBusConfig(config)
  const { logger, counters } = resolveBusDeps(busDeps)
  const dir = settings.dir
  const topicsDir = join(dir, 'topics')
  await mkdir(topicsDir, { recursive: true })
  const unlock = await lockLogDirectory(dir)
  const maxPendingBytes = Math.max(64 * 1024 * 1024, 4 * settings.maxRecordBytes)
  const topics = new Map<string, PartitionLog[]>()
  let closed = false
  let nullKeyTurn = 0

  async function openTopic(topic: string, partitions: number): Promise<PartitionLog[]> {
    const logs: PartitionLog[] = []
    for (let p = 0; p < partitions; p++) {
      logs.push(
        await openPartitionLog({
          dir: join(topicsDir, topic, String(p)),
          topic,
          partition: p,
          segmentBytes: settings.segmentBytes,
          retentionBytes: settings.retentionBytes,
          retentionMs: settings.retentionMs,
          groupCommitMs: settings.groupCommitMs,
          maxPendingBytes,
          logger,
          counters,
        }),
      )
    }
    return logs
  }

  try {
    for (const topic of await readdir(topicsDir)) {
      if (!TOPIC_NAME.test(topic)) continue
      const meta = await readFile(join(topicsDir, topic, 'meta.json'), 'utf8').catch(() => null)
      // a topic directory without meta.json was being created when the process died: ensureTopics redoes it
      if (meta === null) continue
      const { partitions } = JSON.parse(meta) as { partitions: number }
      topics.set(topic, await openTopic(topic, partitions))
    }
  } catch (error) {
    await unlock()
    throw new Error(`cannot open the local log in ${dir}`, { cause: error })
  }
  const offsets = await openOffsetStore(dir)
  const groups = createLocalGroups({ offsets, settings, logger, counters })

  let retentionRunning = false
  const retentionTimer = setInterval(() => {
    if (retentionRunning) return
    retentionRunning = true
    void (async () => {
      for (const logs of topics.values()) for (const log of logs) await log.enforceRetention(Date.now())
    })()
      .catch((error: unknown) => logger.error({ err: error }, 'local log: retention failed'))
      .finally(() => {
        retentionRunning = false
      })
  }, settings.retentionCheckMs)
  retentionTimer.unref()

  /** the partition of a keyed record: CRC-32 of the key modulo the topic's partition count */
  const partitionOfKey = (key: Buffer, count: number): number => crc32(key) % count

  function partitionFor(record: BusRecord, count: number, fallback: number): number {
    return record.key === null ? fallback : partitionOfKey(record.key, count)
  }

  async function append(topic: string, records: BusRecord[]): Promise<SendOutcome> {
    if (closed) return { status: 'retryable', error: new BusClosedError('the local log is closed') }
    const logs = topics.get(topic)
    if (!logs) return { status: 'retryable', error: new UnknownTopicError(`topic ${topic} does not exist`) }
    const byPartition = new Map<number, { records: BusRecord[]; sizes: number[] }>()
    const fallback = nullKeyTurn++ % logs.length
    for (const record of records) {
      let size: number
      try {
        size = frameBytes(record)
      } catch (error) {
        return { status: 'failure', error: new Error('record cannot be encoded', { cause: error }) }
      }
      if (size > settings.maxRecordBytes) {
        return {
          status: 'failure',
          error: new Error(`a record of ${size} bytes exceeds maxRecordBytes (${settings.maxRecordBytes}); consider raising bus.maxRecordBytes`),
        }
      }
      const p = partitionFor(record, logs.length, fallback)
      let entry = byPartition.get(p)
      if (!entry) byPartition.set(p, (entry = { records: [], sizes: [] }))
      entry.records.push(record)
      entry.sizes.push(size)
    }
    try {
      await Promise.all([...byPartition].map(([p, e]) => logs[p]!.append(e.records, e.sizes)))
      return { status: 'success' }
    } catch (error) {
      if (error instanceof BusFullError) return { status: 'retryable', retryAfterMs: 1_000, error }
      return { status: 'retryable', error: error as Error }
    }
  }

  const bus: Bus = {
    kind: 'local',
    async ensureTopics(names) {
      for (const topic of names.flatMap((t) => [t, deadLetterTopic(t)])) {
        if (topics.has(topic)) continue
        if (!TOPIC_NAME.test(topic)) throw new Error(`invalid topic name '${topic}': use 1-249 of [a-zA-Z0-9._-]`)
        const topicDir = join(topicsDir, topic)
        await mkdir(topicDir, { recursive: true })
        const logs = await openTopic(topic, settings.partitions)
        await writeFileAtomic(join(topicDir, 'meta.json'), JSON.stringify({ partitions: settings.partitions }), topicDir)
        await fsyncDir(topicsDir)
        topics.set(topic, logs)
      }
    },
    async send(topic, records) {
      if (records.length === 0) return { status: 'success' }
      const outcome = await withSendTimeout(append(topic, records), settings.sendTimeoutMs)
      if (outcome.status === 'success') counters.add('records_sent', records.length)
      else counters.add(outcome.status === 'retryable' ? 'sends_retryable' : 'sends_failed')
      return outcome
    },
    async partitioner(topic) {
      const logs = topics.get(topic)
      if (closed || !logs) return null
      const partitions = logs.length
      return { partitions, partitionOf: (key) => partitionOfKey(key, partitions) }
    },
    async consume(options: ConsumerRunOptions): Promise<Consumer> {
      if (closed) throw new BusClosedError('the local log is closed')
      const logs: PartitionLog[] = []
      for (const topic of options.topics) {
        const topicLogs = topics.get(topic)
        if (!topicLogs) throw new UnknownTopicError(`cannot consume topic ${topic}: it does not exist (call ensureTopics first)`)
        logs.push(...topicLogs)
      }
      return groups.join(options, logs)
    },
    async ready() {
      return !closed
    },
    async close() {
      if (closed) return
      closed = true
      clearInterval(retentionTimer)
      await groups.stopAll()
      for (const logs of topics.values()) for (const log of logs) await log.close()
      await unlock()
    },
  }
  return bus
}
