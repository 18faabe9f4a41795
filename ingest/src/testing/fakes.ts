/**
 * In-memory stand-ins for ingest's own dependency interfaces (not for kafkajs or ClickHouse), for
 * unit tests of the batch writer's logic:
 * - a store that deduplicates by insert token exactly as ClickHouse does for a table with a
 *   deduplication window (a token seen before drops the whole insert), and can fail on demand;
 * - a range ledger kept in an array, with the same read rule as the ClickHouse one.
 */
import { createSelfMetrics } from '@periscope/runtime'
import type { DeadLetter, SendOutcome } from '@periscope/pipeline'
import { createIngestMetrics, type IngestMetrics } from '../ingest-metrics.ts'
import { resolveOpenRanges, type PartitionKey, type RangeLedger } from '../offset-ledger.ts'
import type { OffsetRange } from '../range-plan.ts'

export interface FakeInsert {
  table: string
  rows: readonly object[]
  token: string | undefined
}

export interface FakeStore {
  insert(table: string, rows: readonly object[], options?: { dedupToken?: string }): Promise<void>
  /** rows that landed, per table */
  readonly rows: Map<string, object[]>
  /** every insert that landed (deduplicated ones excluded), in order */
  readonly landed: FakeInsert[]
  /** inserts dropped because their token was seen */
  deduplicated: number
  /** called before each insert; may throw (fails the insert) or return 'land-then-throw' (lands, then fails) */
  hook: ((insert: FakeInsert) => void | 'land-then-throw') | undefined
}

export function createFakeStore(): FakeStore {
  const tokens = new Set<string>()
  const store: FakeStore = {
    rows: new Map(),
    landed: [],
    deduplicated: 0,
    hook: undefined,
    async insert(table, rows, options) {
      await Promise.resolve()
      const insert = { table, rows, token: options?.dedupToken }
      const verdict = store.hook?.(insert)
      const key = `${table}\u0000${options?.dedupToken}`
      if (options?.dedupToken !== undefined && tokens.has(key)) {
        store.deduplicated++
      } else {
        if (options?.dedupToken !== undefined) tokens.add(key)
        store.landed.push(insert)
        const into = store.rows.get(table) ?? []
        into.push(...rows)
        store.rows.set(table, into)
      }
      if (verdict === 'land-then-throw') throw new Error('connection lost after the insert landed')
    },
  }
  return store
}

export interface FakeLedger extends RangeLedger {
  readonly entries: Array<PartitionKey & OffsetRange & { plannedAt: number }>
  hook: ((op: 'read' | 'record') => void) | undefined
}

export function createFakeLedger(): FakeLedger {
  let clock = 0
  const ledger: FakeLedger = {
    entries: [],
    hook: undefined,
    async ensure() {},
    async openRanges(key, fromOffset) {
      await Promise.resolve()
      ledger.hook?.('read')
      const rows = ledger.entries
        .filter((e) => e.group === key.group && e.topic === key.topic && e.partition === key.partition && e.last >= fromOffset)
        .map((e) => ({ ...(e.tokenLast === undefined ? {} : { tokenLast: e.tokenLast }), first: e.first, last: e.last, plannedAtMs: e.plannedAt }))
      return resolveOpenRanges(rows)
    },
    async record(key, ranges) {
      await Promise.resolve()
      ledger.hook?.('record')
      clock++
      for (const r of ranges) ledger.entries.push({ ...key, ...r, plannedAt: clock })
    },
  }
  return ledger
}

export interface FakeDeadLetters {
  send(letters: DeadLetter[]): Promise<SendOutcome>
  readonly sent: DeadLetter[]
}

export function createFakeDeadLetters(): FakeDeadLetters {
  const sent: DeadLetter[] = []
  return {
    sent,
    async send(letters) {
      sent.push(...letters)
      return { status: 'success' }
    },
  }
}

export function testMetrics(): IngestMetrics {
  return createIngestMetrics(createSelfMetrics({ service: 'ingest-test', defaultMetrics: false }), { lag: async () => [], pendingBytes: () => 0 })
}
