/**
 * Ingest keys in the store's `api_keys` table (packages/store/migrations/0003_config.sql), one
 * row per key version (ReplacingMergeTree(Version, Deleted): the row with the highest Version
 * per (TenantId, KeyId) is the key's state; RevokedAt = 0 means live).
 *
 * Columns written: KeyId = the key's lookup id, KeyPrefix = `psk_<keyId>` (what a UI shows),
 * KeyHash = sha256(secret) hex — never the secret. Reads are parameterised.
 */
import type { Store } from '@periscope/store'
import { generateApiKey, hashSecret, parseApiKey, API_KEY_PREFIX } from './api-key.ts'
import type { ApiKeyRecord, ApiKeySource } from './tenant-resolver.ts'

const API_KEYS = 'api_keys'
const TENANTS = 'tenants'

function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n
}

interface KeyRow {
  TenantId: string
  KeyId: string
  KeyHash: string
  Revoked: number
}

/** Reads key rows from the store; each call is one small query (the cache in front keeps them rare). */
export function createStoreApiKeySource(store: Pick<Store, 'client'>): ApiKeySource {
  return {
    async findKey(keyId) {
      const result = await store.client.query({
        query: `SELECT TenantId, KeyId, KeyHash, RevokedAt != toDateTime64(0, 9, 'UTC') AS Revoked
                FROM ${API_KEYS} FINAL
                WHERE KeyId = {keyId:String} AND Deleted = 0
                ORDER BY Version DESC
                LIMIT 1`,
        query_params: { keyId },
        format: 'JSONEachRow',
      })
      const rows = await result.json<KeyRow>()
      const row = rows[0]
      if (!row) return null
      const record: ApiKeyRecord = { keyId: row.KeyId, tenantId: row.TenantId, keyHash: row.KeyHash, revoked: Number(row.Revoked) === 1 }
      return record
    },
  }
}

export interface CreateApiKeyOptions {
  /** a label for people (e.g. "default", "k8s-agents") */
  name?: string
  /** an operator-chosen key (e.g. PERISCOPE_INGEST_KEY) instead of a generated one */
  plaintext?: string
}

/** Creates a key for `tenantId` and returns its plaintext: the only time it is ever seen. */
export async function createApiKey(store: Pick<Store, 'insert'>, tenantId: string, options: CreateApiKeyOptions = {}): Promise<{ plaintext: string; keyId: string }> {
  let keyId: string
  let keyHash: string
  let plaintext: string
  if (options.plaintext !== undefined) {
    const parsed = parseApiKey(options.plaintext)
    if (!parsed) throw new Error('an ingest key must be 16-256 printable ASCII characters without spaces')
    ;({ keyId } = parsed)
    keyHash = hashSecret(parsed.secret)
    plaintext = options.plaintext
  } else {
    const key = generateApiKey()
    ;({ keyId, keyHash, plaintext } = key)
  }
  const now = nowNs()
  await store.insert(API_KEYS, [
    {
      TenantId: tenantId,
      KeyId: keyId,
      // never a piece of an operator-chosen secret: such keys show their derived id
      KeyPrefix: plaintext.startsWith(API_KEY_PREFIX) ? `${API_KEY_PREFIX}${keyId}` : keyId,
      KeyHash: keyHash,
      Name: options.name ?? '',
      CreatedAt: now,
      RevokedAt: 0n,
      Version: now,
      Deleted: 0,
    },
  ])
  return { plaintext, keyId }
}

/** Marks a key revoked (a new row version); resolvers stop accepting it within their TTL. */
export async function revokeApiKey(store: Pick<Store, 'client'>, keyId: string): Promise<void> {
  await store.client.command({
    query: `INSERT INTO ${API_KEYS} (TenantId, KeyId, KeyPrefix, KeyHash, Name, CreatedAt, RevokedAt, Version, Deleted)
            SELECT TenantId, KeyId, KeyPrefix, KeyHash, Name, CreatedAt, now64(9, 'UTC'), Version + 1, 0
            FROM ${API_KEYS} FINAL WHERE KeyId = {keyId:String} AND Deleted = 0`,
    query_params: { keyId },
    clickhouse_settings: { async_insert: 0 },
  })
}

/** Creates the tenant row if no live row has this id. */
export async function ensureTenant(store: Pick<Store, 'client' | 'insert'>, tenantId: string, name = tenantId): Promise<void> {
  const result = await store.client.query({
    query: `SELECT count() AS n FROM ${TENANTS} FINAL WHERE TenantId = {tenantId:String} AND Deleted = 0`,
    query_params: { tenantId },
    format: 'JSONEachRow',
  })
  const rows = await result.json<{ n: string | number }>()
  if (Number(rows[0]?.n ?? 0) > 0) return
  const now = nowNs()
  await store.insert(TENANTS, [{ TenantId: tenantId, Name: name, CreatedAt: now, Version: now, Deleted: 0 }])
}
