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

interface Entry<T> {
  value: T
  expiresAtMs: number
}

/** An LRU map with per-entry expiry; a Map's insertion order is its recency order. */
function createLru<T>(maxEntries: number) {
  const map = new Map<string, Entry<T>>()
  return {
    get(key: string, nowMs: number): Entry<T> | undefined {
      const entry = map.get(key)
      if (!entry) return undefined
      if (entry.expiresAtMs <= nowMs) {
        map.delete(key)
        return undefined
      }
      map.delete(key)
      map.set(key, entry)
      return entry
    },
    set(key: string, value: T, expiresAtMs: number): void {
      map.delete(key)
      map.set(key, { value, expiresAtMs })
      if (map.size > maxEntries) {
        const oldest = map.keys().next()
        if (!oldest.done) map.delete(oldest.value)
      }
    },
    delete(key: string): void {
      map.delete(key)
    },
    get size() {
      return map.size
    },
  }
}

export function createTenantResolver(options: TenantResolverOptions): TenantResolver {
  const ttlMs = options.ttlMs ?? 30_000
  const negativeTtlMs = options.negativeTtlMs ?? 5_000
  const maxEntries = options.maxEntries ?? 10_000
  if (!(ttlMs > 0 && ttlMs <= MAX_KEY_TTL_MS)) {
    throw new RangeError(`key cache ttlMs must be in (0, ${MAX_KEY_TTL_MS}], got ${ttlMs}`)
  }
  const positive = createLru<ApiKeyRecord>(maxEntries)
  const negative = createLru<true>(maxEntries)
  const inflight = new Map<string, Promise<ApiKeyRecord | null>>()

  function check(record: ApiKeyRecord, secret: string): ResolveOutcome {
    if (!secretMatches(secret, record.keyHash)) return { ok: false, reason: 'unknown' }
    if (record.revoked) return { ok: false, reason: 'revoked' }
    return { ok: true, tenantId: record.tenantId }
  }

  function lookup(keyId: string): Promise<ApiKeyRecord | null> {
    let pending = inflight.get(keyId)
    if (pending) return pending
    pending = options.source.findKey(keyId).then(
      (record) => {
        inflight.delete(keyId)
        // the TTL starts when the answer arrives: it is at least as fresh as that
        const nowMs = options.nowMs()
        if (record) {
          negative.delete(keyId)
          positive.set(keyId, record, nowMs + ttlMs)
        } else {
          positive.delete(keyId)
          negative.set(keyId, true, nowMs + negativeTtlMs)
        }
        return record
      },
      (error: unknown) => {
        inflight.delete(keyId)
        throw error
      },
    )
    inflight.set(keyId, pending)
    return pending
  }

  return {
    async resolve(plaintextKey) {
      const parsed = parseApiKey(plaintextKey)
      if (!parsed) return { ok: false, reason: 'malformed' }
      const nowMs = options.nowMs()
      const cached = positive.get(parsed.keyId, nowMs)
      if (cached) return check(cached.value, parsed.secret)
      if (negative.get(parsed.keyId, nowMs)) return { ok: false, reason: 'unknown' }
      let record: ApiKeyRecord | null
      try {
        record = await lookup(parsed.keyId)
      } catch (error) {
        return { ok: false, reason: 'unavailable', error: error instanceof Error ? error : new Error(String(error)) }
      }
      return record ? check(record, parsed.secret) : { ok: false, reason: 'unknown' }
    },
    size() {
      return { positive: positive.size, negative: negative.size }
    },
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
