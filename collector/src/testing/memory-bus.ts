/**
 * A Bus for unit tests of the collector's HTTP behaviour: keeps what was sent, and answers each
 * send with an outcome the test chooses. It implements our own Bus interface (not a mock of
 * kafkajs); the integration tests run the same app against the real buses.
 */
import type { Bus, BusRecord, Consumer, SendOutcome } from '@periscope/pipeline'

export interface MemoryBus extends Bus {
  readonly sent: { topic: string; records: BusRecord[] }[]
  /** the outcome of the following sends; success by default */
  respondWith(outcome: SendOutcome | (() => Promise<SendOutcome>)): void
  setReady(ready: boolean): void
  /** every record sent to `topic`, in order */
  records(topic: string): BusRecord[]
}

export function createMemoryBus(): MemoryBus {
  const sent: { topic: string; records: BusRecord[] }[] = []
  let next: SendOutcome | (() => Promise<SendOutcome>) = { status: 'success' }
  let ready = true
  return {
    kind: 'local',
    sent,
    async ensureTopics() {},
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
