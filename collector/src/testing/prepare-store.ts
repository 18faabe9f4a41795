/**
 * For process tests: `node --import tsx prepare-store.ts <dataDir> <tenantId>` migrates an
 * embedded store, creates the tenant and one ingest key, closes the store and prints the key.
 * It runs as its own process because chdb binds one data directory per process.
 */
import { migrate, openStore } from '@periscope/store'
import { createApiKey, ensureTenant } from '../tenants/store-api-keys.ts'

const [path, tenantId = 'acme'] = process.argv.slice(2)
if (!path) throw new Error('usage: prepare-store.ts <dataDir> [tenantId]')
const store = await openStore({ mode: 'embedded', path })
await migrate(store)
await ensureTenant(store, tenantId)
const { plaintext } = await createApiKey(store, tenantId)
await store.close()
process.stdout.write(plaintext + '\n')
