/**
 * The collector process: config, logger, store (for API keys), bus, HTTP on :4318, and a graceful
 * shutdown that stops accepting, drains requests in flight, then closes the bus and the store.
 *
 *   node --import tsx collector/src/main.ts
 */
import { createLogger, createSelfMetrics, onShutdown, ConfigError } from '@periscope/runtime'
import { busEventsMetric, createBusCounters, openBus, TOPICS } from '@periscope/pipeline'
import { assertSchemaCurrent, openStore } from '@periscope/store'
import { build } from './app.ts'
import { loadCollectorConfig } from './config.ts'
import { createStoreApiKeySource } from './tenants/store-api-keys.ts'
import { createTenantResolver } from './tenants/tenant-resolver.ts'

async function main(): Promise<void> {
  let config
  try {
    config = loadCollectorConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`${error.message}\n`)
    process.exit(1)
  }
  const logger = createLogger({ service: 'collector', level: config.logLevel })

  const store = await openStore(config.store)
  await assertSchemaCurrent(store)
  const busCounters = createBusCounters()
  const bus = await openBus(config.bus, { logger, counters: busCounters })
  await bus.ensureTopics(Object.values(TOPICS))

  const tenants = createTenantResolver({
    source: createStoreApiKeySource(store),
    nowMs: Date.now,
    ttlMs: config.keys.cacheTtlMs,
    negativeTtlMs: config.keys.negativeCacheTtlMs,
    maxEntries: config.keys.cacheMaxEntries,
  })
  const metrics = createSelfMetrics({ service: 'collector' })
  metrics.counts(busEventsMetric(busCounters))
  const app = await build({ config, logger, bus, tenants, metrics })

  onShutdown(
    { logger, timeoutMs: config.shutdownTimeoutMs },
    // fastify's close stops accepting, answers 503 to new requests on open connections and
    // resolves once every request in flight has been answered
    { name: 'drain http', run: () => app.close() },
    { name: 'close bus', run: () => bus.close() },
    { name: 'close store', run: () => store.close() },
  )

  const address = await app.listen({ host: config.http.host, port: config.http.port })
  logger.info({ address, bus: bus.kind }, 'collector listening')
}

main().catch((error: unknown) => {
  process.stderr.write(`collector failed to start: ${(error as Error)?.stack ?? String(error)}\n`)
  process.exit(1)
})
