/**
 * Which records of a bus batch go into which insert — the part of "no lost, no duplicated rows"
 * that decides insert boundaries.
 *
 * Every insert covers the records of exactly one offset range of one partition, and carries the
 * dedup token of that range (see dedup-token.ts). ClickHouse drops an insert whose token it has
 * seen, so a replayed range must be cut exactly as before. Batches handed over by the bus after a
 * crash, a rebalance or a failed insert may start at the same offset but end elsewhere, so the
 * boundaries cannot be re-derived from the batch. They are remembered instead: before inserting,
 * ingest records the planned ranges in the range ledger (offset-ledger.ts); ranges in the ledger
 * that are not yet committed ("pinned") are reproduced exactly, and only records beyond them are
 * cut afresh, by the row/byte limits (cutBatches).
 *
 * Invariants of `planRanges`:
 * - the ranges are in offset order, disjoint, and together hold every record of the batch once,
 *   except the records of an incomplete pinned range (see below), which are in none;
 * - a pinned range that overlaps the batch is reproduced with its recorded first and last offset,
 *   whatever records of it the batch holds (its token comes from the recorded bounds, or from
 *   `tokenLast` for the part of a range written by the fallback);
 * - `incomplete` is set when the batch ends before the last offset of a pinned range: inserting
 *   those records now under the range's token would be deduplicated against an earlier full insert
 *   and lose the rest, so the caller must have the batch delivered again (or fall back, counted).
 *   Ranges after an incomplete one are not planned.
 */
import { cutBatches, type BatchLimits, type ItemWeight } from '@periscope/pipeline'

export interface OffsetRange {
  first: bigint
  last: bigint
  /**
   * The last offset the range's dedup token names, when it differs from `last`: only for the part
   * of a range written by the fallback below, which keeps the token of the range it was cut from.
   */
  tokenLast?: bigint
}

export interface PlannedRange extends OffsetRange {
  /** records [start, end) of the batch */
  start: number
  end: number
  /** true when the range comes from the ledger (already planned, possibly already inserted) */
  pinned: boolean
}

export interface RangePlan {
  ranges: PlannedRange[]
  /** a pinned range the batch ends inside; its records and everything after are left out */
  incomplete?: OffsetRange
}

/**
 * @param offsets the batch's record offsets, strictly increasing (gaps allowed, as Kafka has them)
 * @param weights one per record
 * @param pins ledger ranges not yet committed, any order, non-overlapping
 */
export function planRanges(offsets: readonly bigint[], weights: readonly ItemWeight[], pins: readonly OffsetRange[], limits: BatchLimits): RangePlan {
  if (offsets.length !== weights.length) throw new Error(`planRanges: ${offsets.length} offsets but ${weights.length} weights`)
  const ranges: PlannedRange[] = []
  if (offsets.length === 0) return { ranges }
  const lastOffset = offsets[offsets.length - 1]!
  const sortedPins = [...pins].filter((p) => p.last >= offsets[0]!).sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0))

  const cutFree = (start: number, end: number): void => {
    if (start >= end) return
    for (const cut of cutBatches(weights.slice(start, end), limits)) {
      ranges.push({ first: offsets[start + cut.start]!, last: offsets[start + cut.end - 1]!, start: start + cut.start, end: start + cut.end, pinned: false })
    }
  }

  let i = 0
  for (const pin of sortedPins) {
    if (i >= offsets.length) break
    // free records before the pin
    let j = i
    while (j < offsets.length && offsets[j]! < pin.first) j++
    cutFree(i, j)
    i = j
    if (i >= offsets.length) break
    if (lastOffset < pin.last) return { ranges, incomplete: pinBounds(pin) }
    let k = i
    while (k < offsets.length && offsets[k]! <= pin.last) k++
    // a pin with no record in the batch (all its offsets were compacted away) plans nothing
    if (k > i) ranges.push({ ...pinBounds(pin), start: i, end: k, pinned: true })
    i = k
  }
  cutFree(i, offsets.length)
  return { ranges }
}

function pinBounds(pin: OffsetRange): OffsetRange {
  return pin.tokenLast === undefined ? { first: pin.first, last: pin.last } : { first: pin.first, last: pin.last, tokenLast: pin.tokenLast }
}

/**
 * Like planRanges, but takes the records of an incomplete pinned range as they are (the fallback):
 * that range ends at the batch's last offset and keeps the token of the range it was cut from.
 */
export function planRangesAcceptingPartial(offsets: readonly bigint[], weights: readonly ItemWeight[], pins: readonly OffsetRange[], limits: BatchLimits): RangePlan {
  const plan = planRanges(offsets, weights, pins, limits)
  if (!plan.incomplete) return plan
  const { first, last, tokenLast } = plan.incomplete
  const start = plan.ranges.length > 0 ? plan.ranges[plan.ranges.length - 1]!.end : 0
  const partial: PlannedRange = { first, last: offsets[offsets.length - 1]!, tokenLast: tokenLast ?? last, start, end: offsets.length, pinned: true }
  return { ranges: [...plan.ranges, partial] }
}
