/**
 * Consumer groups of the local log. The local log is embedded (one process), so a group is an
 * in-memory coordinator: its members are the consumers of this process that share the groupId,
 * and its partitions ("lanes") are split among them.
 *
 * Invariants:
 * - A lane has at most one batch in flight. When a rebalance moves a lane, the new owner starts
 *   on it only after the old owner's batch finished (and was committed or failed), so two members
 *   never process one partition at once and the new owner reads from the committed offset.
 * - A lane's offset is committed (durably, see local-log-offsets.ts) only after `eachBatch`
 *   resolved. A batch whose handler threw is delivered again from the same position after a
 *   backoff that doubles per failure (retryBackoffMs … maxRetryBackoffMs).
 * - Reads are bounded: at most maxBatchRecords records and about maxBatchBytes bytes per batch,
 *   except a batch delivered again lengthened (its handler threw BatchTooShort): it runs through
 *   the offset asked for, within MAX_EXTENDED_BATCH_BYTES. A handler that throws BatchTooShort for
 *   a batch already lengthened that far (or as far as the log or the cap allow) fails as usual.
 * - Partitions are assigned per topic, range-style: partition i of a topic goes to the
 *   (i mod n)-th of the n members subscribed to it, in join order.
 */
import type { Logger } from 'pino'
import { BatchTooShort, MAX_EXTENDED_BATCH_BYTES, type Consumer, type ConsumerRunOptions, type PartitionLag } from './bus.ts'
import type { BusCounters } from './bus-deps.ts'
import type { OffsetStore } from './local-log-offsets.ts'
import type { PartitionLog, ReadPosition } from './local-log-partition.ts'

export interface LocalConsumerSettings {
  maxBatchRecords: number
  maxBatchBytes: number
  retryBackoffMs: number
  maxRetryBackoffMs: number
}

interface Lane {
  key: string
  log: PartitionLog
  owner: Member | null
  busy: boolean
  /** null: start from the committed offset */
  cursor: ReadPosition | null
  failures: number
  retryAtMs: number
  /** the next read runs through this offset (BatchTooShort), null: an ordinary read */
  lengthenThrough: number | null
}

interface Member {
  topics: Set<string>
  lanes: Lane[]
  paused: Set<string>
  wake(): void
}

interface Group {
  id: string
  members: Member[]
  lanes: Map<string, Lane>
}

export interface LocalGroups {
  join(options: ConsumerRunOptions, logs: PartitionLog[]): Consumer
  stopAll(): Promise<void>
}

const laneKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`
/** a member rechecks its lanes at least this often, even without a wake-up */
const IDLE_RECHECK_MS = 1_000

export function createLocalGroups(deps: {
  offsets: OffsetStore
  settings: LocalConsumerSettings
  logger: Logger
  counters: BusCounters
}): LocalGroups {
  const { offsets, settings, logger, counters } = deps
  const groups = new Map<string, Group>()
  const running = new Set<Consumer>()

  function rebalance(group: Group): void {
    const byTopic = new Map<string, Lane[]>()
    for (const lane of group.lanes.values()) {
      const list = byTopic.get(lane.log.topic) ?? []
      list.push(lane)
      byTopic.set(lane.log.topic, list)
    }
    for (const member of group.members) member.lanes = []
    for (const [topic, lanes] of byTopic) {
      const candidates = group.members.filter((m) => m.topics.has(topic))
      lanes.sort((a, b) => a.log.partition - b.log.partition)
      lanes.forEach((lane, i) => {
        const owner = candidates.length > 0 ? candidates[i % candidates.length]! : null
        lane.owner = owner
        owner?.lanes.push(lane)
      })
    }
    for (const member of group.members) member.wake()
  }

  function committedOrStart(group: Group, lane: Lane): number {
    return offsets.committed(group.id, lane.log.topic, lane.log.partition) ?? lane.log.startOffset()
  }

  return {
    join(options, logs) {
      let group = groups.get(options.groupId)
      if (!group) {
        group = { id: options.groupId, members: [], lanes: new Map() }
        groups.set(options.groupId, group)
      }
      const g = group
      for (const log of logs) {
        const key = laneKey(log.topic, log.partition)
        if (!g.lanes.has(key)) g.lanes.set(key, { key, log, owner: null, busy: false, cursor: null, failures: 0, retryAtMs: 0, lengthenThrough: null })
      }

      let stopped = false
      let wakeUp: (() => void) | null = null
      const member: Member = {
        topics: new Set(options.topics),
        lanes: [],
        paused: new Set(),
        wake() {
          const resolve = wakeUp
          wakeUp = null
          resolve?.()
        },
      }
      const unsubscribe = logs.map((log) => log.onAppend(() => member.wake()))
      g.members.push(member)
      rebalance(g)

      let turn = 0
      function nextLane(nowMs: number): { lane: Lane | null; waitMs: number } {
        let waitMs = IDLE_RECHECK_MS
        const n = member.lanes.length
        for (let i = 0; i < n; i++) {
          const lane = member.lanes[(turn + i) % n]!
          if (lane.owner !== member || lane.busy || member.paused.has(lane.key)) continue
          if (lane.retryAtMs > nowMs) {
            waitMs = Math.min(waitMs, lane.retryAtMs - nowMs)
            continue
          }
          const from = lane.cursor?.offset ?? committedOrStart(g, lane)
          if (from >= lane.log.endOffset()) continue
          turn = (turn + i + 1) % n
          return { lane, waitMs: 0 }
        }
        return { lane: null, waitMs }
      }

      async function processLane(lane: Lane): Promise<void> {
        const { topic, partition } = lane.log
        const start = lane.cursor ?? lane.log.positionAt(committedOrStart(g, lane))
        const through = lane.lengthenThrough
        lane.lengthenThrough = null
        const limits =
          through !== null && through >= start.offset
            ? { maxRecords: Math.max(settings.maxBatchRecords, through - start.offset + 1), maxBytes: Math.max(settings.maxBatchBytes, MAX_EXTENDED_BATCH_BYTES) }
            : { maxRecords: settings.maxBatchRecords, maxBytes: settings.maxBatchBytes }
        const read = await lane.log.read(start, limits)
        if (read.skippedRecords > 0) {
          counters.add('records_skipped_unconsumed', read.skippedRecords)
          logger.warn(
            { topic, partition, groupId: g.id, skippedRecords: read.skippedRecords },
            'local log: records were deleted (retention or corruption) before the group consumed them',
          )
        }
        if (read.records.length === 0) {
          lane.cursor = read.next
          return
        }
        try {
          await options.eachBatch({ topic, partition, records: read.records, highWatermark: String(lane.log.endOffset()) })
          counters.add('records_consumed', read.records.length)
          await offsets.commit(g.id, topic, partition, read.next.offset)
          lane.cursor = read.next
          lane.failures = 0
        } catch (error) {
          // the batch is delivered again from `start`; the cursor stays where it was
          lane.cursor = start
          const lastOffset = Number(read.records[read.records.length - 1]!.offset)
          if (error instanceof BatchTooShort && Number(error.throughOffset) > lastOffset && (through === null || Number(error.throughOffset) > through)) {
            lane.lengthenThrough = Number(error.throughOffset)
            counters.add('batches_lengthened')
            return
          }
          lane.failures++
          const backoffMs = Math.min(settings.maxRetryBackoffMs, settings.retryBackoffMs * 2 ** (lane.failures - 1))
          lane.retryAtMs = Date.now() + backoffMs
          counters.add('batches_failed')
          logger.warn(
            { topic, partition, groupId: g.id, err: error, failures: lane.failures, backoffMs },
            'bus consumer: batch handler failed; the batch will be delivered again',
          )
        }
      }

      async function loop(): Promise<void> {
        while (!stopped) {
          const { lane, waitMs } = nextLane(Date.now())
          if (!lane) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, waitMs)
              wakeUp = () => {
                clearTimeout(timer)
                resolve()
              }
            })
            continue
          }
          lane.busy = true
          try {
            await processLane(lane)
          } catch (error) {
            // a read failure (disk): back off like a handler failure, never spin
            lane.cursor = null
            lane.failures++
            lane.retryAtMs = Date.now() + Math.min(settings.maxRetryBackoffMs, settings.retryBackoffMs * 2 ** (lane.failures - 1))
            logger.error({ topic: lane.log.topic, partition: lane.log.partition, err: error }, 'local log: read failed')
          } finally {
            lane.busy = false
            // a rebalance may have handed this lane to another member waiting for it
            if (lane.owner !== member) lane.owner?.wake()
          }
        }
      }
      const done = loop()

      const consumer: Consumer = {
        pause(topic, partition) {
          member.paused.add(laneKey(topic, partition))
        },
        resume(topic, partition) {
          member.paused.delete(laneKey(topic, partition))
          member.wake()
        },
        async lag(): Promise<PartitionLag[]> {
          return member.lanes.map((lane) => {
            const committed = committedOrStart(g, lane)
            const end = lane.log.endOffset()
            return {
              topic: lane.log.topic,
              partition: lane.log.partition,
              committedOffset: String(committed),
              highWatermark: String(end),
              lag: Math.max(0, end - committed),
            }
          })
        },
        async stop() {
          if (stopped) return done
          stopped = true
          member.wake()
          await done
          for (const off of unsubscribe) off()
          g.members.splice(g.members.indexOf(member), 1)
          running.delete(consumer)
          rebalance(g)
        },
      }
      running.add(consumer)
      return consumer
    },
    async stopAll() {
      await Promise.all([...running].map((c) => c.stop()))
    },
  }
}
