/**
 * The Provisioner over the real store: the default tenant row, ingest keys through the
 * collector's api_keys helpers, admin tokens through the query API's query_tokens helpers. Only
 * hashes reach the store.
 */
import { createApiKey, ensureTenant } from '@periscope/collector/app'
import { createQueryToken } from '@periscope/query-api/api'
import type { Store } from '@periscope/store'
import type { Provisioner } from './credentials.ts'

export function createStoreProvisioner(store: Pick<Store, 'client' | 'insert'>, tenantId: string): Provisioner {
  return {
    ensureTenant: () => ensureTenant(store, tenantId),
    async create(kind, plaintext) {
      if (kind === 'ingestKey') return (await createApiKey(store, tenantId, { name: 'default ingest key', plaintext })).plaintext
      return (await createQueryToken(store, tenantId, 'admin', { name: 'default admin token', plaintext })).plaintext
    },
  }
}
