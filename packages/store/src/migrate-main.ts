/**
 * The migration job: `node --import tsx packages/store/src/migrate-main.ts` applies pending
 * migrations and the configured TTLs, then exits (0 on success, 1 on failure). In Kubernetes it
 * runs as a Job before the services, which refuse to start on a schema that is behind.
 */
import { createLogger } from '@periscope/runtime'
import { loadMigrateConfig } from './config.ts'
import { migrate } from './migrations.ts'
import { openStore } from './open-store.ts'

const config = loadMigrateConfig()
const logger = createLogger({ service: 'store-migrate', level: config.logLevel })
try {
  const store = await openStore(config.store)
  try {
    const { applied } = await migrate(store)
    logger.info({ applied, database: store.database, cluster: store.cluster ?? null }, applied.length ? 'migrations applied' : 'schema already current')
  } finally {
    await store.close()
  }
} catch (error) {
  logger.error({ err: error }, 'migration failed')
  process.exitCode = 1
}
