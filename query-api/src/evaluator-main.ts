/**
 * The alert evaluator as its own process, from the query API's code and configuration (the
 * same file and PERISCOPE_QUERY_API_* environment; alerting.* holds its settings). Any number of
 * replicas may run against one store: one leads and evaluates, the others stand by
 * (alerts/evaluator.ts). /healthz /readyz /metrics listen on alerting.evaluator.httpPort.
 * On SIGTERM/SIGINT: stop evaluating, abort deliveries (the next leader resumes them), hand the
 * lease back, close the store.
 *
 *   node --import tsx query-api/src/evaluator-main.ts
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { ConfigError, createLogger, createSelfMetrics, onShutdown, registerOperationalRoutes } from '@periscope/runtime'
import { assertSchemaCurrent, openStore } from '@periscope/store'
import { loadQueryApiConfig } from './config.ts'
import { evaluatorFromConfig } from './evaluator/index.ts'

async function main(): Promise<void> {
  let config
  try {
    config = loadQueryApiConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`${error.message}\n`)
    process.exit(1)
  }
  const logger = createLogger({ service: 'evaluator', level: config.logLevel })
  const metrics = createSelfMetrics({ service: 'evaluator' })
  const store = await openStore(config.store)
  await assertSchemaCurrent(store)
  const evaluator = evaluatorFromConfig(config.alerting, { store, logger, metrics })

  let stopping = false
  const app = Fastify({ loggerInstance: logger })
  registerOperationalRoutes(app as unknown as FastifyInstance, {
    metrics,
    ready: async () => {
      if (stopping) return { ready: false, reason: 'shutting down' }
      const ping = await store.client.ping()
      return ping.success ? true : { ready: false, reason: 'the store does not answer' }
    },
  })

  onShutdown(
    { logger, timeoutMs: config.shutdownTimeoutMs },
    {
      name: 'stop evaluator',
      run: async () => {
        stopping = true
        await evaluator.stop()
      },
    },
    { name: 'close http', run: () => app.close() },
    { name: 'close store', run: () => store.close() },
  )

  evaluator.start()
  const address = await app.listen({ host: config.alerting.evaluator.httpHost, port: config.alerting.evaluator.httpPort })
  logger.info({ address, instanceId: evaluator.instanceId }, 'evaluator running')
}

main().catch((error: unknown) => {
  process.stderr.write(`evaluator failed to start: ${(error as Error)?.stack ?? String(error)}\n`)
  process.exit(1)
})
