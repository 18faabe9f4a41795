/**
 * The agent process: config, logger, build, listen, and graceful shutdown (stop the HTTP
 * receiver, stop sources so their last batches reach the buffer, stop the sink, close the
 * buffer). Whatever is unsent stays in the buffer for the next start.
 */
import { ConfigError, createLogger, onShutdown } from '@periscope/runtime'
import { build } from './app.ts'
import { loadAgentConfig } from './config.ts'

let loaded
try {
  loaded = loadAgentConfig()
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`)
    process.exit(1)
  }
  throw error
}
const { config, hostName, kubernetesApiUrl } = loaded
const logger = createLogger({ service: 'agent', level: config.logLevel })
const agent = await build({ config, hostName, kubernetesApiUrl, logger })
await agent.app.listen({ host: config.server.host, port: config.server.port })
// the line supervisors and startAgentProcess wait for: logged at any level but silent
const lifecycle = config.logLevel === 'silent' || logger.isLevelEnabled('info') ? logger : logger.child({}, { level: 'info' })
lifecycle.info({ address: agent.app.addresses(), dataDir: config.dataDir }, 'agent listening')
await agent.start()
onShutdown(
  { logger, timeoutMs: 15_000 },
  { name: 'http', run: () => agent.app.close() },
  { name: 'agent', run: () => agent.stop() },
)
