/**
 * Token buckets, lazily refilled: a bucket stores its level and the time it was last refilled,
 * and every call first adds `rate × elapsed` (capped at the burst). No timers, no locks (Node is
 * single-threaded, and each call is O(1) with no await inside), no allocation on the hot path.
 *
 * Admission rule: a take of `amount` is admitted when the level is at least `min(amount, burst)`;
 * the level then drops by the whole amount and may go negative. So a single request larger than
 * the burst is still admitted once the bucket is full (it cannot be split by the caller), and the
 * debt it leaves holds the long-run rate: later takes wait until the debt is repaid.
 * `retryAfterMs` of a refusal is the exact time until the rule would admit the same take.
 */

export interface TokenBucketOptions {
  /** tokens added per second; must be > 0 */
  ratePerSecond: number
  /** the most tokens the bucket holds, and its level when created; must be > 0 */
  burst: number
}

export type TakeOutcome = { ok: true } | { ok: false; retryAfterMs: number }

export interface TokenBucket {
  readonly ratePerSecond: number
  readonly burst: number
  /** the level after refilling to `nowMs` (may be negative after an oversized take) */
  level(nowMs: number): number
  /** takes `amount` tokens if the admission rule allows, else leaves the bucket as it was */
  take(amount: number, nowMs: number): TakeOutcome
  /** ms until a take of `amount` would be admitted; 0 when it would be now */
  waitMs(amount: number, nowMs: number): number
  /** takes unconditionally (used when several buckets must admit together) */
  consume(amount: number, nowMs: number): void
}

const ADMITTED: TakeOutcome = Object.freeze({ ok: true })

export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const { ratePerSecond, burst } = options
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
    throw new RangeError(`token bucket ratePerSecond must be a positive finite number, got ${ratePerSecond}`)
  }
  if (!(burst > 0) || !Number.isFinite(burst)) {
    throw new RangeError(`token bucket burst must be a positive finite number, got ${burst}`)
  }
  const ratePerMs = ratePerSecond / 1000
  let tokens = burst
  let lastMs = Number.NEGATIVE_INFINITY

  function refill(nowMs: number): void {
    if (lastMs === Number.NEGATIVE_INFINITY) {
      lastMs = nowMs
      return
    }
    // a clock that steps backwards adds nothing and moves the reference back, never forward
    const elapsedMs = nowMs - lastMs
    if (elapsedMs > 0) tokens = Math.min(burst, tokens + elapsedMs * ratePerMs)
    lastMs = nowMs
  }

  function waitAfterRefill(amount: number): number {
    const needed = Math.min(amount, burst)
    return tokens >= needed ? 0 : Math.ceil((needed - tokens) / ratePerMs)
  }

  return {
    ratePerSecond,
    burst,
    level(nowMs) {
      refill(nowMs)
      return tokens
    },
    take(amount, nowMs) {
      refill(nowMs)
      const waitMs = waitAfterRefill(amount)
      if (waitMs > 0) return { ok: false, retryAfterMs: waitMs }
      tokens -= amount
      return ADMITTED
    },
    waitMs(amount, nowMs) {
      refill(nowMs)
      return waitAfterRefill(amount)
    },
    consume(amount, nowMs) {
      refill(nowMs)
      tokens -= amount
    },
  }
}

/** The two quantities an ingestion request is charged in. */
export interface RateCost {
  bytes: number
  items: number
}

export interface RateLimit {
  bytesPerSecond: number
  itemsPerSecond: number
  /** burst = rate × burstSeconds, for both buckets */
  burstSeconds: number
}

export interface KeyedRateLimiterOptions {
  defaults: RateLimit
  /** per-key limits replacing the defaults (e.g. per tenant) */
  overrides?: Readonly<Record<string, RateLimit>>
  /**
   * Bound on the keys tracked at once. Past it, the least recently used key is forgotten: its
   * next request starts from a full bucket, which errs towards admitting, never towards refusing.
   */
  maxKeys?: number
  /** ms clock; monotonic preferred */
  nowMs: () => number
}

export interface KeyedRateLimiter {
  /**
   * Admits `cost` for `key` when both its bytes and items buckets allow it, taking from both;
   * otherwise takes from neither and says how long until both would admit.
   */
  take(key: string, cost: RateCost): TakeOutcome
  /**
   * A cheap check before any work is done for a request of unknown cost: refuses while the key's
   * buckets are in debt (level ≤ 0), so an over-limit client is turned away before its body is read.
   */
  precheck(key: string): TakeOutcome
  /** the number of keys tracked */
  size(): number
}

interface BucketPair {
  bytes: TokenBucket
  items: TokenBucket
}

export function createKeyedRateLimiter(options: KeyedRateLimiterOptions): KeyedRateLimiter {
  const maxKeys = options.maxKeys ?? 10_000
  const overrides = options.overrides ?? {}
  // a Map keeps insertion order: delete + set on use makes its first key the least recently used
  const pairs = new Map<string, BucketPair>()

  function pairFor(key: string): BucketPair {
    let pair = pairs.get(key)
    if (pair) {
      pairs.delete(key)
      pairs.set(key, pair)
      return pair
    }
    const limit = overrides[key] ?? options.defaults
    pair = {
      bytes: createTokenBucket({ ratePerSecond: limit.bytesPerSecond, burst: limit.bytesPerSecond * limit.burstSeconds }),
      items: createTokenBucket({ ratePerSecond: limit.itemsPerSecond, burst: limit.itemsPerSecond * limit.burstSeconds }),
    }
    pairs.set(key, pair)
    if (pairs.size > maxKeys) {
      const oldest = pairs.keys().next()
      if (!oldest.done) pairs.delete(oldest.value)
    }
    return pair
  }

  return {
    take(key, cost) {
      const nowMs = options.nowMs()
      const pair = pairFor(key)
      const waitMs = Math.max(pair.bytes.waitMs(cost.bytes, nowMs), pair.items.waitMs(cost.items, nowMs))
      if (waitMs > 0) return { ok: false, retryAfterMs: waitMs }
      pair.bytes.consume(cost.bytes, nowMs)
      pair.items.consume(cost.items, nowMs)
      return ADMITTED
    },
    precheck(key) {
      const pair = pairs.get(key)
      if (!pair) return ADMITTED
      const nowMs = options.nowMs()
      // the smallest positive take: admitted exactly when the level is above zero
      const waitMs = Math.max(pair.bytes.waitMs(Number.MIN_VALUE, nowMs), pair.items.waitMs(Number.MIN_VALUE, nowMs))
      return waitMs > 0 ? { ok: false, retryAfterMs: waitMs } : ADMITTED
    },
    size() {
      return pairs.size
    },
  }
}
