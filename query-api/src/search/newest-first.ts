/**
 * Newest-first search over a time range in growing windows. Most searches are answered by the
 * last few minutes of the range, so instead of sorting the whole range the search asks the
 * newest window [to − w, to) first and, while it has found fewer rows than wanted, the window
 * before it, each `growth` times wider, until the range is exhausted.
 *
 * Invariants: windows are disjoint, adjacent and newest first, so the rows of window k are all
 * newer than those of window k+1 and the concatenation is exactly the newest `want` rows of the
 * whole range, in order; each window is asked only for the rows still missing; the number of
 * statements is at most ⌈log_growth(range / first window)⌉ + 1.
 */
import type { TimeRange } from '../time/time-range.ts'

export interface NewestFirstOptions<T> {
  range: TimeRange
  /** rows wanted in total (a page plus one, to know whether there is a next page) */
  want: number
  /** newest instant (exclusive) to search below, e.g. just above a cursor; defaults to range.toNs */
  upperNs?: bigint | undefined
  firstWindowNs?: bigint
  growth?: number
  /** rows of [fromNs, toNs), newest first, at most `limit` */
  run: (fromNs: bigint, toNs: bigint, limit: number) => Promise<T[]>
}

export const FIRST_WINDOW_NS = 5n * 60n * 1_000_000_000n

export async function searchNewestFirst<T>(options: NewestFirstOptions<T>): Promise<T[]> {
  const growth = BigInt(options.growth ?? 4)
  let windowNs = options.firstWindowNs ?? FIRST_WINDOW_NS
  let toNs = options.upperNs !== undefined && options.upperNs < options.range.toNs ? options.upperNs : options.range.toNs
  const found: T[] = []
  while (toNs > options.range.fromNs && found.length < options.want) {
    const fromNs = toNs - windowNs > options.range.fromNs ? toNs - windowNs : options.range.fromNs
    found.push(...(await options.run(fromNs, toNs, options.want - found.length)))
    toNs = fromNs
    windowNs *= growth
  }
  return found
}
