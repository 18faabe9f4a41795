/**
 * A bounded, expiring cache in front of a slow lookup by key (a store query for an API key or a
 * query token), with concurrent misses for one key coalesced into one lookup.
 *
 * Invariants:
 * - a found value is trusted for at most `ttlMs` after its lookup answered (the TTL starts when the
 *   answer arrives, so a revocation is seen within `ttlMs`); an absent key is remembered for
 *   `negativeTtlMs` (0 = not remembered);
 * - at most `maxEntries` found and `maxEntries` absent keys are held; the least recently used go
 *   first (a Map's insertion order is its recency order);
 * - a lookup that fails is not cached: the next call asks again.
 */
export interface CachedLookupOptions<V> {
  find(key: string): Promise<V | null>
  nowMs(): number
  ttlMs: number
  negativeTtlMs: number
  maxEntries: number
}

export interface CachedLookup<V> {
  /** the value, null when the key is absent; rejects when the lookup failed */
  get(key: string): Promise<V | null>
  size(): { positive: number; negative: number }
}

interface Entry<T> {
  value: T
  expiresAtMs: number
}

function createExpiringLru<T>(maxEntries: number) {
  const map = new Map<string, Entry<T>>()
  return {
    get(key: string, nowMs: number): Entry<T> | undefined {
      const entry = map.get(key)
      if (!entry) return undefined
      map.delete(key)
      if (entry.expiresAtMs <= nowMs) return undefined
      map.set(key, entry)
      return entry
    },
    set(key: string, value: T, expiresAtMs: number): void {
      map.delete(key)
      map.set(key, { value, expiresAtMs })
      if (map.size > maxEntries) map.delete(map.keys().next().value as string)
    },
    delete(key: string): void {
      map.delete(key)
    },
    get size() {
      return map.size
    },
  }
}

export function createCachedLookup<V>(options: CachedLookupOptions<V>): CachedLookup<V> {
  const { ttlMs, negativeTtlMs } = options
  const positive = createExpiringLru<V>(options.maxEntries)
  const negative = createExpiringLru<true>(options.maxEntries)
  const inflight = new Map<string, Promise<V | null>>()

  function lookup(key: string): Promise<V | null> {
    let pending = inflight.get(key)
    if (pending) return pending
    pending = options.find(key).then(
      (value) => {
        inflight.delete(key)
        const nowMs = options.nowMs()
        if (value !== null) {
          negative.delete(key)
          positive.set(key, value, nowMs + ttlMs)
        } else {
          positive.delete(key)
          if (negativeTtlMs > 0) negative.set(key, true, nowMs + negativeTtlMs)
        }
        return value
      },
      (error: unknown) => {
        inflight.delete(key)
        throw error
      },
    )
    inflight.set(key, pending)
    return pending
  }

  return {
    async get(key) {
      const nowMs = options.nowMs()
      const cached = positive.get(key, nowMs)
      if (cached) return cached.value
      if (negative.get(key, nowMs)) return null
      return lookup(key)
    },
    size() {
      return { positive: positive.size, negative: negative.size }
    },
  }
}
