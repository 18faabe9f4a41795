/**
 * The ingest process: config, logger, store (schema must be current), bus, consumers, and
 * /healthz /readyz /metrics on http.port. On SIGTERM/SIGINT: stop the consumers (batches in hand
 * are written or left uncommitted), close the HTTP app, the bus and the store.
 *
 *   node --import tsx ingest/src/main.ts
 */
import { ConfigError, createLogger, createSelfMetrics, onShutdown } from '@periscope/runtime'
import { busEventsMetric, createBusCounters, openBus } from '@periscope/pipeline'
import { assertSchemaCurrent, openStore } from '@periscope/store'
import { build } from './app.ts'
import { loadIngestConfig, settingsOf } from './config.ts'

async function main(): Promise<void> {
  let config
  try {
    config = loadIngestConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`${error.message}\n`)
    process.exit(1)
  }
  const logger = createLogger({ service: 'ingest', level: config.logLevel })

  const store = await openStore(config.store)
  await assertSchemaCurrent(store)
  const busCounters = createBusCounters()
  const bus = await openBus(config.bus, { logger, counters: busCounters })
  const metrics = createSelfMetrics({ service: 'ingest' })
  metrics.counts(busEventsMetric(busCounters))
  const ingest = build({ config: settingsOf(config), logger, bus, store, metrics })

  onShutdown(
    { logger, timeoutMs: config.shutdownTimeoutMs },
    { name: 'stop consumers', run: () => ingest.stop() },
    { name: 'close bus', run: () => bus.close() },
    { name: 'close store', run: () => store.close() },
  )

  await ingest.start()
  const address = await ingest.app.listen({ host: config.http.host, port: config.http.port })
  logger.info({ address, bus: bus.kind, signals: config.signals }, 'ingest running')
}

main().catch((error: unknown) => {
  process.stderr.write(`ingest failed to start: ${(error as Error)?.stack ?? String(error)}\n`)
  process.exit(1)
})
