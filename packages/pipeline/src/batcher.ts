/**
 * Batching policy for writers that turn a stream into bulk inserts (ingest → ClickHouse).
 *
 * Two pure pieces, with time passed in so they are tested without clocks:
 * - `cutBatches` splits a run of weighted items into consecutive batches. A batch closes as soon
 *   as it holds at least `maxRows` rows or `maxBytes` bytes ("≥ 10k rows" closes at 10k), so every
 *   batch holds at least one item and only the last may be below the limits. The cut depends on
 *   nothing but the weights and the limits: the same items always give the same batches.
 * - `createFlushPacer` keeps a writer to at most one flush per `minIntervalMs` per key (a table, a
 *   partition), except for batches that are full, which go at once ("10k rows or 1 s, whichever
 *   first"). It only answers how long to wait; the caller owns the timer.
 */

export interface BatchLimits {
  /** a batch closes once it holds at least this many rows; > 0 */
  maxRows: number
  /** a batch closes once it holds at least this many bytes; > 0 */
  maxBytes: number
}

export interface ItemWeight {
  rows: number
  bytes: number
}

/** Items `[start, end)` of the input. */
export interface BatchCut {
  start: number
  end: number
  rows: number
  bytes: number
}

export function assertBatchLimits(limits: BatchLimits): void {
  for (const key of ['maxRows', 'maxBytes'] as const) {
    const value = limits[key]
    if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`batch limit ${key} must be a positive finite number, got ${value}`)
  }
}

/** Whether a batch of this weight is full, i.e. it goes without waiting for the pacer. */
export function isFull(weight: ItemWeight, limits: BatchLimits): boolean {
  return weight.rows >= limits.maxRows || weight.bytes >= limits.maxBytes
}

export function cutBatches(weights: readonly ItemWeight[], limits: BatchLimits): BatchCut[] {
  assertBatchLimits(limits)
  const cuts: BatchCut[] = []
  let start = 0
  let rows = 0
  let bytes = 0
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!
    rows += w.rows
    bytes += w.bytes
    if (rows >= limits.maxRows || bytes >= limits.maxBytes) {
      cuts.push({ start, end: i + 1, rows, bytes })
      start = i + 1
      rows = 0
      bytes = 0
    }
  }
  if (start < weights.length) cuts.push({ start, end: weights.length, rows, bytes })
  return cuts
}

export interface FlushPacerOptions {
  /** the least time between two flushes of one key, ms; 0 disables pacing */
  minIntervalMs: number
  /** how many keys are remembered; the least recently flushed are forgotten first (bounded state) */
  maxKeys?: number
}

export interface FlushPacer {
  /** ms to wait before flushing `key` now; 0 when a flush may go (always 0 for a full batch) */
  delayMs(key: string, nowMs: number, full: boolean): number
  /** records a flush of `key` at `nowMs` */
  flushed(key: string, nowMs: number): void
}

export function createFlushPacer(options: FlushPacerOptions): FlushPacer {
  const { minIntervalMs } = options
  const maxKeys = options.maxKeys ?? 10_000
  if (!(minIntervalMs >= 0) || !Number.isFinite(minIntervalMs)) {
    throw new RangeError(`flush pacer minIntervalMs must be a finite number >= 0, got ${minIntervalMs}`)
  }
  // insertion order of a Map is the recency order once a key is deleted and set again
  const lastFlushMs = new Map<string, number>()
  return {
    delayMs(key, nowMs, full) {
      if (full || minIntervalMs === 0) return 0
      const last = lastFlushMs.get(key)
      if (last === undefined) return 0
      return Math.max(0, Math.min(minIntervalMs, last + minIntervalMs - nowMs))
    },
    flushed(key, nowMs) {
      lastFlushMs.delete(key)
      lastFlushMs.set(key, nowMs)
      if (lastFlushMs.size > maxKeys) lastFlushMs.delete(lastFlushMs.keys().next().value!)
    },
  }
}
