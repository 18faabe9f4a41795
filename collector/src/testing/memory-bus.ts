/**
 * A Bus for unit tests of the collector's HTTP behaviour: keeps what was sent, and answers each
 * send with an outcome the test chooses. It implements our own Bus interface (not a mock of
 * kafkajs); the integration tests run the same app against the real buses.
 * With `partitions`, it has a partitioner a test can follow by eye: the key's last hex digit
 * modulo `partitions` (so trace …01 → 1, …02 → 2 % partitions); without, none (a record per trace).
 */
import type { Bus, BusRecord, Consumer, KeyPartitioner, SendOutcome } from '@periscope/pipeline'

export interface MemoryBus extends Bus {
  readonly sent: { topic: string; records: BusRecord[] }[]
  /** the outcome of the following sends; success by default */
  respondWith(outcome: SendOutcome | (() => Promise<SendOutcome>)): void
  setReady(ready: boolean): void
  /** every record sent to `topic`, in order */
  records(topic: string): BusRecord[]
}

/** The memory bus's partition of a key: its last character as a hex digit, modulo `partitions`. */
export function lastHexDigitPartition(key: Buffer, partitions: number): number {
  return Number.parseInt(key.toString().slice(-1), 16) % partitions
}

export function createMemoryBus(options: { partitions?: number } = {}): MemoryBus {
  const sent: { topic: string; records: BusRecord[] }[] = []
  let next: SendOutcome | (() => Promise<SendOutcome>) = { status: 'success' }
  let ready = true
  return {
    kind: 'local',
    sent,
    async ensureTopics() {},
    ...(options.partitions
      ? {
          async partitioner(): Promise<KeyPartitioner> {
            const partitions = options.partitions!
            return { partitions, partitionOf: (key) => lastHexDigitPartition(key, partitions) }
          },
        }
      : {}),
    async send(topic, records) {
      const outcome = typeof next === 'function' ? await next() : next
      if (outcome.status === 'success') sent.push({ topic, records })
      return outcome
    },
    async consume(): Promise<Consumer> {
      throw new Error('the memory bus does not consume')
    },
    async ready() {
      return ready
    },
    async close() {},
    respondWith(outcome) {
      next = outcome
    },
    setReady(value) {
      ready = value
    },
    records(topic) {
      return sent.filter((s) => s.topic === topic).flatMap((s) => s.records)
    },
  }
}
