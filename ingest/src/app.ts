/**
 * Ingest: the bus → ClickHouse. `build(deps)` wires one consumer group per signal
 * (`<groupIdPrefix>-<signal>` on `otlp.<signal>`), each batch handled by a BatchWriter (see
 * batch-writer.ts for how rows are neither lost nor duplicated), and a small fastify app with
 * /healthz, /readyz and /metrics. It never listens and never exits the process: main.ts and the
 * all-in-one launcher own the process, the bus and the store; build() owns only its consumers.
 *
 * Lifecycle: start() checks that every table it writes deduplicates replayed inserts
 * (dedup-window.ts), creates the range ledger table and the topics (with their dead-letter
 * topics), then joins the groups. stop() stops fetching, gives the batches in hand
 * `stopGraceMs` to be written, then abandons their waits and retries (those batches stay
 * uncommitted and are read again by the next consumer) and leaves the groups.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Signal } from '@periscope/model'
import { TOPICS, deadLetterTopic, sendToDeadLetters, type Bus, type Consumer, type PartitionLag } from '@periscope/pipeline'
import { registerOperationalRoutes, type Logger, type Readiness, type SelfMetrics } from '@periscope/runtime'
import type { Store } from '@periscope/store'
import { createBatchWriter } from './batch-writer.ts'
import { tablesOf } from './decode-record.ts'
import { assertDeduplicationWindows } from './dedup-window.ts'
import { resolveSettings, type IngestSettingsInput } from './config.ts'
import { createIngestMetrics } from './ingest-metrics.ts'
import { createMemoryBudget } from './memory-budget.ts'
import { createClickHouseLedger, type RangeLedger } from './offset-ledger.ts'

export type { IngestConfig, IngestSettings, IngestSettingsInput } from './config.ts'
export { IngestConfigSchema, IngestSettingsSchema, loadIngestConfig, resolveSettings, settingsOf } from './config.ts'
export { insertDedupToken } from './dedup-token.ts'
export { LEDGER_TABLE } from './offset-ledger.ts'

export interface IngestDeps {
  /** any part of the settings; the rest takes the defaults of IngestSettingsSchema */
  config: IngestSettingsInput
  logger: Logger
  bus: Bus
  /** inserts go through `store.insert` (a test may wrap it to inject failures) */
  store: Store
  metrics: SelfMetrics
  /** defaults to the ClickHouse ledger in `store` */
  ledger?: RangeLedger
}

export interface Ingest {
  /** /healthz, /readyz, /metrics; not listening */
  readonly app: FastifyInstance
  start(): Promise<void>
  stop(): Promise<void>
  ready(): Promise<Readiness>
  /** lag of every partition of every group, for metrics and tests */
  lag(): Promise<PartitionLag[]>
}

export function build(deps: IngestDeps): Ingest {
  const { logger, bus, store } = deps
  const config = resolveSettings(deps.config)
  const ledger = deps.ledger ?? createClickHouseLedger(store)
  const budget = createMemoryBudget(config.maxPendingBytes)
  const stopController = new AbortController()
  /** the members of each signal's group (membersPerGroup of them) */
  const consumers = new Map<Signal, Consumer[]>()
  const allMembers = (): Consumer[] => [...consumers.values()].flat()
  let state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new'

  const lag = async (): Promise<PartitionLag[]> => (await Promise.all(allMembers().map((c) => c.lag()))).flat()
  const metrics = createIngestMetrics(deps.metrics, { lag, pendingBytes: () => budget.usedBytes })

  const writers = config.signals.map((signal) => ({
    signal,
    writer: createBatchWriter({
      signal,
      group: `${config.groupIdPrefix}-${signal}`,
      store,
      ledger,
      deadLetters: (letters) => sendToDeadLetters(bus, letters),
      // a partition is paused on every member of the group: only its owner fetches it, and a
      // pause must survive a rebalance that moves the partition to another member
      consumer: () => {
        const members = consumers.get(signal)
        if (!members) return undefined
        return {
          pause: (topic: string, partition: number) => members.forEach((m) => m.pause(topic, partition)),
          resume: (topic: string, partition: number) => members.forEach((m) => m.resume(topic, partition)),
        }
      },
      limits: { maxRows: config.batch.maxRows, maxBytes: config.batch.maxBytes },
      minInsertIntervalMs: config.batch.minInsertIntervalMs,
      defaultTenantId: config.defaultTenantId,
      backoff: { initialDelayMs: config.retry.initialDelayMs, maxDelayMs: config.retry.maxDelayMs },
      maxIncompleteReplays: config.maxIncompleteReplays,
      budget,
      metrics,
      logger,
      stopSignal: stopController.signal,
    }),
  }))

  const app = Fastify({
    loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
    // probes and scrapes are not worth a line each
    logController: new LogController({ disableRequestLogging: true }),
  })

  const ready = async (): Promise<Readiness> => {
    if (state !== 'running') return { ready: false, reason: `ingest is ${state}` }
    if (!(await bus.ready())) return { ready: false, reason: 'the bus is not reachable' }
    const ping = await store.client.ping()
    if (!ping.success) return { ready: false, reason: `ClickHouse is not reachable: ${ping.error.message}` }
    return { ready: true }
  }

  registerOperationalRoutes(app, { ready, metrics: deps.metrics })

  return {
    app,
    ready,
    lag,
    async start() {
      if (state !== 'new') throw new Error(`ingest start() called when ${state}`)
      state = 'starting'
      await assertDeduplicationWindows(store, config.signals.flatMap(tablesOf))
      await ledger.ensure()
      const topics = config.signals.map((s) => TOPICS[s])
      await bus.ensureTopics(topics)
      for (const { signal, writer } of writers) {
        const groupId = `${config.groupIdPrefix}-${signal}`
        const members: Consumer[] = []
        consumers.set(signal, members)
        // several members share the partitions, so one partition's decoding runs while another's
        // insert is in ClickHouse (the bus hands each member one batch at a time)
        for (let m = 0; m < config.membersPerGroup; m++) {
          members.push(await bus.consume({ groupId, topics: [TOPICS[signal]], eachBatch: (batch) => writer.handle(batch) }))
        }
        logger.info({ groupId, members: members.length, topic: TOPICS[signal], deadLetterTopic: deadLetterTopic(TOPICS[signal]) }, 'ingest consuming')
      }
      state = 'running'
    },
    async stop() {
      if (state === 'stopping' || state === 'stopped') return
      state = 'stopping'
      // consumers finish the batch in hand; past the grace period, waits and retries are abandoned
      const grace = setTimeout(() => stopController.abort(), config.stopGraceMs)
      try {
        await Promise.all(allMembers().map((c) => c.stop()))
      } finally {
        clearTimeout(grace)
        stopController.abort()
        consumers.clear()
        state = 'stopped'
      }
      await app.close()
      logger.info('ingest stopped')
    },
  }
}
