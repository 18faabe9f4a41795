import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, openStore, type Store } from '@periscope/store'
import { createApiKey, createStoreApiKeySource, ensureTenant, revokeApiKey } from './store-api-keys.ts'
import { createTenantResolver } from './tenant-resolver.ts'
import { hashSecret } from './api-key.ts'

let dir: string
let store: Store

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'collector-keys-'))
  store = await openStore({ mode: 'embedded', path: dir })
  await migrate(store)
})

afterAll(async () => {
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('api keys in the store (chdb)', () => {
  it('stores only the hash, resolves the key to its tenant, and stops a revoked key within the TTL', async () => {
    await ensureTenant(store, 'acme', 'Acme')
    await ensureTenant(store, 'acme', 'Acme')
    const tenants = await (await store.client.query({ query: "SELECT count() AS n FROM tenants FINAL WHERE TenantId = 'acme'", format: 'JSONEachRow' })).json<{ n: string }>()
    expect(Number(tenants[0]!.n)).toBe(1)

    const { plaintext, keyId } = await createApiKey(store, 'acme', { name: 'default' })
    const secret = plaintext.slice(`psk_${keyId}_`.length)
    const rows = await (await store.client.query({ query: 'SELECT * FROM api_keys', format: 'JSONEachRow' })).json<Record<string, string>>()
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ TenantId: 'acme', KeyId: keyId, KeyPrefix: `psk_${keyId}`, KeyHash: hashSecret(secret), Name: 'default' })
    expect(JSON.stringify(rows)).not.toContain(secret)

    let now = 0
    const resolver = createTenantResolver({ source: createStoreApiKeySource(store), nowMs: () => now, ttlMs: 60_000 })
    expect(await resolver.resolve(plaintext)).toEqual({ ok: true, tenantId: 'acme' })
    expect(await resolver.resolve(plaintext.slice(0, -1) + (plaintext.endsWith('A') ? 'B' : 'A'))).toEqual({ ok: false, reason: 'unknown' })

    await revokeApiKey(store, keyId)
    expect((await resolver.resolve(plaintext)).ok).toBe(true) // still cached
    now = 60_000
    expect(await resolver.resolve(plaintext)).toEqual({ ok: false, reason: 'revoked' })
  })

  it('accepts an operator-chosen key', async () => {
    const { plaintext } = await createApiKey(store, 'acme', { plaintext: 'dev-ingest-key-0123456789' })
    const resolver = createTenantResolver({ source: createStoreApiKeySource(store), nowMs: () => 0 })
    expect(plaintext).toBe('dev-ingest-key-0123456789')
    expect(await resolver.resolve(plaintext)).toEqual({ ok: true, tenantId: 'acme' })
    await expect(createApiKey(store, 'acme', { plaintext: 'short' })).rejects.toThrow(/16-256/)
  })
})
