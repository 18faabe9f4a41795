/**
 * The in-process half of the all-in-one: collector + ingest + query API in this one process,
 * over ONE store and ONE bus. The embedded ClickHouse (chdb) binds one data directory per
 * process, so the three services must share the store instance opened here; the local log bus
 * likewise has one owner. Each service is built with its own build(deps), exactly as its
 * main.ts does at scale; only the store and bus factories see the embedded shape.
 *
 * Listening (all on the launcher's host): the collector's OTLP/HTTP port, the query API's port,
 * and ingest's operational port (/healthz /readyz /metrics). Every one serves its own /metrics.
 *
 * The alert evaluator (query API's evaluator) runs here too, over the same store.
 *
 * Stop order (each step awaited): the collector stops accepting and answers what is in flight;
 * ingest stops fetching, writes and commits the batches in hand; the query API answers what is
 * in flight; the evaluator stops and hands its lease back; then the bus and last the store close.
 */
import type { FastifyInstance } from 'fastify'
import { build as buildCollector, createStoreApiKeySource, createTenantResolver } from '@periscope/collector/app'
import { build as buildIngest, settingsOf, type Ingest } from '@periscope/ingest/app'
import { build as buildQueryApi } from '@periscope/query-api/app'
import { startEvaluatorFromConfig, type Evaluator } from '@periscope/query-api/evaluator'
import { busEventsMetric, createBusCounters, openBus, TOPICS, type Bus } from '@periscope/pipeline'
import { createSelfMetrics, type Logger, type ShutdownStep } from '@periscope/runtime'
import { migrate, openStore, type Store } from '@periscope/store'
import type { AllInOneConfig } from './config.ts'

export interface PlatformLoggers {
  collector: Logger
  ingest: Logger
  queryApi: Logger
  evaluator: Logger
  bus: Logger
}

export interface OpenedStore {
  store: Store
  /** versions applied by this start (empty when the schema was current) */
  applied: readonly number[]
}

/** Opens the embedded store and brings its schema up to date (the launcher is its migration job). */
export async function openPlatformStore(config: AllInOneConfig): Promise<OpenedStore> {
  const store = await openStore(config.collector.store)
  try {
    const { applied } = await migrate(store)
    return { store, applied }
  } catch (error) {
    await store.close().catch(() => {})
    throw error
  }
}

export interface Platform {
  readonly bus: Bus
  readonly collector: FastifyInstance
  readonly ingest: Ingest
  readonly queryApi: Pick<FastifyInstance, 'close' | 'listen'>
  /** the stop sequence for onShutdown, after the children */
  readonly stopSteps: ShutdownStep[]
}

export async function startPlatform(config: AllInOneConfig, store: Store, loggers: PlatformLoggers): Promise<Platform> {
  const started: Array<() => Promise<unknown>> = []
  const undo = async (): Promise<void> => {
    for (const step of started.reverse()) await step().catch(() => {})
  }
  try {
    const busCounters = createBusCounters()
    const bus = await openBus(config.bus, { logger: loggers.bus, counters: busCounters })
    started.push(() => bus.close())
    await bus.ensureTopics(Object.values(TOPICS))

    // ---- collector: OTLP/HTTP → bus -------------------------------------------------------------
    const tenants = createTenantResolver({
      source: createStoreApiKeySource(store),
      nowMs: Date.now,
      ttlMs: config.collector.keys.cacheTtlMs,
      negativeTtlMs: config.collector.keys.negativeCacheTtlMs,
      maxEntries: config.collector.keys.cacheMaxEntries,
    })
    const collector = await buildCollector({ config: config.collector, logger: loggers.collector, bus, tenants, metrics: createSelfMetrics({ service: 'collector' }) })
    started.push(() => collector.close())

    // ---- ingest: bus → store --------------------------------------------------------------------
    // the one bus of this process is counted on ingest's /metrics (its consumer side, and the collector's sends)
    const ingestMetrics = createSelfMetrics({ service: 'ingest' })
    ingestMetrics.counts(busEventsMetric(busCounters))
    const ingest = buildIngest({ config: settingsOf(config.ingest), logger: loggers.ingest, bus, store, metrics: ingestMetrics })
    started.push(() => ingest.stop())
    started.push(() => ingest.app.close())
    await ingest.start()

    // ---- query API: store → /api/v1 -------------------------------------------------------------
    const queryApi = await buildQueryApi({ config: config.queryApi, logger: loggers.queryApi, store, metrics: createSelfMetrics({ service: 'query-api' }) })
    started.push(() => queryApi.close())

    // ---- alert evaluator: SLO burn rates and alert rules over the same store ---------------------
    const evaluator: Evaluator = startEvaluatorFromConfig(config.queryApi.alerting, { store, logger: loggers.evaluator, metrics: createSelfMetrics({ service: 'evaluator' }) })
    started.push(() => evaluator.stop())

    const host = config.settings.host
    await ingest.app.listen({ host, port: config.settings.ports.ingest })
    await queryApi.listen({ host, port: config.settings.ports.api })
    // the collector listens last: nothing is accepted before ingest consumes and keys resolve
    await collector.listen({ host, port: config.settings.ports.collector })

    return {
      bus,
      collector,
      ingest,
      queryApi,
      stopSteps: [
        { name: 'collector: stop accepting, answer requests in flight', run: () => collector.close() },
        { name: 'ingest: write and commit the batches in hand', run: () => ingest.stop() },
        { name: 'ingest: close its HTTP port', run: () => ingest.app.close() },
        { name: 'query API: answer requests in flight', run: () => queryApi.close() },
        { name: 'alert evaluator: stop evaluating, hand its lease back', run: () => evaluator.stop() },
        { name: 'close the bus', run: () => bus.close() },
      ],
    }
  } catch (error) {
    await undo()
    throw error
  }
}
