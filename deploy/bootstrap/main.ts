/**
 * The bootstrap job, after the migration job (Kubernetes: the second container of the
 * periscope-migrate Job; compose: the `bootstrap` service): makes sure the default tenant exists
 * and that the ingest key and admin token of the Secret are valid, storing only their hashes.
 * Exits 0 when done, 1 on failure (the Job retries).
 *
 *   node --import tsx deploy/bootstrap/main.ts
 */
import { createLogger } from '@periscope/runtime'
import { assertSchemaCurrent, openStore } from '@periscope/store'
import { resolveCredentials } from '../all-in-one/credentials.ts'
import { createStoreProvisioner } from '../all-in-one/store-provisioner.ts'
import { loadBootstrapConfig } from './config.ts'

let config
try {
  config = loadBootstrapConfig()
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`)
  process.exit(1)
}
const logger = createLogger({ service: 'bootstrap', level: config.logLevel })
try {
  const store = await openStore(config.store)
  try {
    await assertSchemaCurrent(store)
    // no data directory to remember provisioned values in: both are (re)written on every run
    await resolveCredentials({
      provisioner: createStoreProvisioner(store, config.tenantId),
      tenantId: config.tenantId,
      env: { ingestKey: config.ingestKey, adminToken: config.adminToken },
      stored: undefined,
      remember: false,
    })
    logger.info({ tenantId: config.tenantId }, 'default tenant, ingest key and admin token in place')
  } finally {
    await store.close()
  }
} catch (error) {
  logger.error({ err: error }, 'bootstrap failed')
  process.exitCode = 1
}
