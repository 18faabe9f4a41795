/**
 * The KafkaBus's partitioner, as a function the producer side can call (Bus.partitioner): the
 * partition kafkajs's DefaultPartitioner — the Java client's — gives a keyed record,
 * `(murmur2(key) & 0x7fffffff) % partitions`, over the topic's partition count from the
 * cluster's metadata.
 *
 * The count is cached per topic and re-read when older than `maxAgeMs`; until the re-read
 * answers, the cached count is used (a send never waits for metadata it already has). The first
 * read of a topic is awaited; if it fails (broker down, no such topic), the answer is null and the
 * caller keys a record per item. The producer refreshes its own metadata separately, so after a
 * topic gains partitions the two may disagree for up to `maxAgeMs` — keys then move, as they do
 * for every Kafka client when partitions are added.
 */
import type { KeyPartitioner } from './bus.ts'

const SEED = 0x9747b28c
const M = 0x5bd1e995

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2): a signed 32-bit hash. */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  let h = (SEED ^ length) | 0
  const length4 = length >> 2
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24)
    k = Math.imul(k, M)
    k ^= k >>> 24
    k = Math.imul(k, M)
    h = Math.imul(h, M)
    h ^= k
  }
  const tail = length & ~3
  switch (length % 4) {
    case 3:
      h ^= data[tail + 2]! << 16
    // falls through
    case 2:
      h ^= data[tail + 1]! << 8
    // falls through
    case 1:
      h ^= data[tail]!
      h = Math.imul(h, M)
  }
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

/** The partition of a keyed record among `partitions`, as the Java client and kafkajs place it. */
export function kafkaPartitionOf(key: Uint8Array, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions
}

export interface KafkaPartitioners {
  get(topic: string): Promise<KeyPartitioner | null>
}

interface Cached {
  partitioner: KeyPartitioner
  readAtMs: number
}

export function createKafkaPartitioners(options: {
  /** the topic's partition count from the cluster's metadata; throws when it cannot be read */
  partitionCount: (topic: string) => Promise<number>
  maxAgeMs: number
  nowMs?: () => number
}): KafkaPartitioners {
  const nowMs = options.nowMs ?? Date.now
  const cache = new Map<string, Cached>()
  const reading = new Map<string, Promise<KeyPartitioner | null>>()

  const read = (topic: string): Promise<KeyPartitioner | null> => {
    let pending = reading.get(topic)
    if (!pending) {
      pending = options
        .partitionCount(topic)
        .then((partitions) => {
          if (!(partitions > 0)) return cache.get(topic)?.partitioner ?? null
          const partitioner: KeyPartitioner = { partitions, partitionOf: (key) => kafkaPartitionOf(key, partitions) }
          cache.set(topic, { partitioner, readAtMs: nowMs() })
          return partitioner
        })
        .catch(() => {
          // keep the last count, and try again only after another maxAgeMs
          const cached = cache.get(topic)
          if (!cached) return null
          cached.readAtMs = nowMs()
          return cached.partitioner
        })
        .finally(() => reading.delete(topic))
      reading.set(topic, pending)
    }
    return pending
  }

  return {
    async get(topic) {
      const cached = cache.get(topic)
      if (!cached) return read(topic)
      if (nowMs() - cached.readAtMs >= options.maxAgeMs) void read(topic)
      return cached.partitioner
    },
  }
}
