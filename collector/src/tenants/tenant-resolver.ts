/**
 * Key → tenant, with a bounded cache in front of the key source (the store's api_keys table).
 *
 * Invariants:
 * - A key row is trusted for at most `ttlMs` (≤ 60 s) after it was read, so a key revoked in
 *   the store stops working within `ttlMs`; an unknown key is remembered for `negativeTtlMs`
 *   (short, so a key created elsewhere starts working quickly).
 * - Both caches are LRU-bounded in entries, and kept apart, so a flood of made-up keys can
 *   evict only other made-up keys, never the keys in use.
 * - Concurrent misses for one key share one source lookup.
 * - The cache holds rows (keyId, tenant, hash), never secrets: every request re-checks its secret
 *   against the hash in constant time, so a wrong secret for a known keyId never passes.
 * - When the source fails and no fresh row is cached the outcome is 'unavailable' (the caller
 *   answers 503): a stale row is never used past its TTL, whatever the store's state.
 */
import { createCachedLookup } from '@periscope/runtime'
import { parseApiKey, secretMatches } from './api-key.ts'

export interface ApiKeyRecord {
  keyId: string
  tenantId: string
  /** sha256(secret), hex */
  keyHash: string
  revoked: boolean
}

/** Where key rows live (the store, or memory in tests). */
export interface ApiKeySource {
  /** the row for a keyId, or null when there is none; rejects when the source cannot answer */
  findKey(keyId: string): Promise<ApiKeyRecord | null>
}

export type ResolveOutcome =
  | { ok: true; tenantId: string }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' }
  | { ok: false; reason: 'unavailable'; error: Error }

export interface TenantResolver {
  resolve(plaintextKey: string): Promise<ResolveOutcome>
  /** cached entries: positive and negative */
  size(): { positive: number; negative: number }
}

export interface TenantResolverOptions {
  source: ApiKeySource
  nowMs: () => number
  /** how long a row read from the source is trusted; at most 60 000 */
  ttlMs?: number
  /** how long "no such key" is remembered */
  negativeTtlMs?: number
  maxEntries?: number
}

export const MAX_KEY_TTL_MS = 60_000

export function createTenantResolver(options: TenantResolverOptions): TenantResolver {
  const ttlMs = options.ttlMs ?? 30_000
  const negativeTtlMs = options.negativeTtlMs ?? 5_000
  const maxEntries = options.maxEntries ?? 10_000
  if (!(ttlMs > 0 && ttlMs <= MAX_KEY_TTL_MS)) {
    throw new RangeError(`key cache ttlMs must be in (0, ${MAX_KEY_TTL_MS}], got ${ttlMs}`)
  }
  const keys = createCachedLookup<ApiKeyRecord>({ find: (keyId) => options.source.findKey(keyId), nowMs: options.nowMs, ttlMs, negativeTtlMs, maxEntries })

  function check(record: ApiKeyRecord, secret: string): ResolveOutcome {
    if (!secretMatches(secret, record.keyHash)) return { ok: false, reason: 'unknown' }
    if (record.revoked) return { ok: false, reason: 'revoked' }
    return { ok: true, tenantId: record.tenantId }
  }

  return {
    async resolve(plaintextKey) {
      const parsed = parseApiKey(plaintextKey)
      if (!parsed) return { ok: false, reason: 'malformed' }
      let record: ApiKeyRecord | null
      try {
        record = await keys.get(parsed.keyId)
      } catch (error) {
        return { ok: false, reason: 'unavailable', error: error instanceof Error ? error : new Error(String(error)) }
      }
      return record ? check(record, parsed.secret) : { ok: false, reason: 'unknown' }
    },
    size: () => keys.size(),
  }
}

/** An in-memory key source, for tests and for a collector run without a store. */
export interface MemoryApiKeySource extends ApiKeySource {
  add(record: ApiKeyRecord): void
  revoke(keyId: string): void
  /** the number of findKey calls, to observe caching */
  lookups(): number
}

export function createMemoryApiKeySource(records: ApiKeyRecord[] = []): MemoryApiKeySource {
  const rows = new Map(records.map((r) => [r.keyId, { ...r }]))
  let lookups = 0
  return {
    async findKey(keyId) {
      lookups++
      const row = rows.get(keyId)
      return row ? { ...row } : null
    },
    add(record) {
      rows.set(record.keyId, { ...record })
    },
    revoke(keyId) {
      const row = rows.get(keyId)
      if (row) row.revoked = true
    },
    lookups() {
      return lookups
    },
  }
}
