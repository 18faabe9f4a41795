/**
 * The query API process: config, logger, store (schema checked), HTTP on :8080, and a graceful
 * shutdown that stops accepting, answers the requests in flight, then closes the store.
 *
 *   node --import tsx query-api/src/main.ts
 */
import { ConfigError, createLogger, createSelfMetrics, onShutdown } from '@periscope/runtime'
import { assertSchemaCurrent, openStore } from '@periscope/store'
import { build } from './app.ts'
import { loadQueryApiConfig } from './config.ts'

async function main(): Promise<void> {
  let config
  try {
    config = loadQueryApiConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`${error.message}\n`)
    process.exit(1)
  }
  const logger = createLogger({ service: 'query-api', level: config.logLevel })
  const store = await openStore(config.store)
  await assertSchemaCurrent(store)
  const app = await build({ config, logger, store, metrics: createSelfMetrics({ service: 'query-api' }) })

  onShutdown(
    { logger, timeoutMs: config.shutdownTimeoutMs },
    // fastify's close stops accepting, answers 503 to new requests on open connections and
    // resolves once every request in flight has been answered
    { name: 'drain http', run: () => app.close() },
    { name: 'close store', run: () => store.close() },
  )

  const address = await app.listen({ host: config.http.host, port: config.http.port })
  logger.info({ address, store: store.mode }, 'query-api listening')
}

main().catch((error: unknown) => {
  process.stderr.write(`query-api failed to start: ${(error as Error)?.stack ?? String(error)}\n`)
  process.exit(1)
})
