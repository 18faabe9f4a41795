/**
 * Bearer token → tenant and role, with a bounded cache in front of the token source (the
 * store's query_tokens table), in the manner of the collector's key cache.
 *
 * Invariants:
 * - a token row is trusted for at most `ttlMs` (≤ 60 s) after it was read, so a revoked token
 *   stops working within `ttlMs`; an unknown token id is remembered for `negativeTtlMs`;
 * - both caches are LRU-bounded and kept apart, so a flood of made-up tokens evicts only other
 *   made-up tokens, never the tokens in use;
 * - concurrent misses for one token id share one source lookup;
 * - the cache holds rows (id, tenant, hash, role), never secrets: every request re-checks its
 *   secret against the hash in constant time;
 * - when the source fails and no fresh row is cached the outcome is 'unavailable' (503).
 */
import { createCachedLookup } from '@periscope/runtime'
import { parseToken, secretMatches, type Role } from './query-token.ts'
import type { TokenRecord } from './token-store.ts'

export interface TokenSource {
  findToken(tokenId: string): Promise<TokenRecord | null>
}

export type TokenOutcome =
  | { ok: true; tenantId: string; role: Role; tokenId: string }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' }
  | { ok: false; reason: 'unavailable'; error: Error }

export interface TokenResolver {
  resolve(plaintext: string): Promise<TokenOutcome>
  size(): { positive: number; negative: number }
}

export interface TokenResolverOptions {
  source: TokenSource
  nowMs: () => number
  ttlMs?: number
  negativeTtlMs?: number
  maxEntries?: number
}

export const MAX_TOKEN_TTL_MS = 60_000

export function createTokenResolver(options: TokenResolverOptions): TokenResolver {
  const ttlMs = options.ttlMs ?? 30_000
  const negativeTtlMs = options.negativeTtlMs ?? 5_000
  const maxEntries = options.maxEntries ?? 10_000
  if (!(ttlMs > 0 && ttlMs <= MAX_TOKEN_TTL_MS)) throw new RangeError(`token cache ttlMs must be in (0, ${MAX_TOKEN_TTL_MS}], got ${ttlMs}`)
  const tokens = createCachedLookup<TokenRecord>({ find: (tokenId) => options.source.findToken(tokenId), nowMs: options.nowMs, ttlMs, negativeTtlMs, maxEntries })

  function check(record: TokenRecord, secret: string): TokenOutcome {
    if (!secretMatches(secret, record.tokenHash)) return { ok: false, reason: 'unknown' }
    if (record.revoked) return { ok: false, reason: 'revoked' }
    return { ok: true, tenantId: record.tenantId, role: record.role, tokenId: record.tokenId }
  }

  return {
    async resolve(plaintext) {
      const parsed = parseToken(plaintext)
      if (!parsed) return { ok: false, reason: 'malformed' }
      let record: TokenRecord | null
      try {
        record = await tokens.get(parsed.tokenId)
      } catch (error) {
        return { ok: false, reason: 'unavailable', error: error instanceof Error ? error : new Error(String(error)) }
      }
      return record ? check(record, parsed.secret) : { ok: false, reason: 'unknown' }
    },
    size: () => tokens.size(),
  }
}
