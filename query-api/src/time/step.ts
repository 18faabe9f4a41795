/**
 * Series steps. A series is cut into epoch-aligned buckets [k·step, (k+1)·step) that touch the
 * query range; the first and last bucket may be partly outside it. Without a requested step the
 * smallest "nice" step giving at most `maxPoints` buckets is chosen; a requested step that would
 * give more is refused (400) rather than silently changed.
 */
import { BadRequest } from '../errors.ts'
import { NS_PER_MS } from './instant.ts'
import type { TimeRange } from './time-range.ts'

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H

export const NICE_STEPS_MS: readonly number[] = [
  1 * S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S,
  1 * M, 2 * M, 5 * M, 10 * M, 15 * M, 30 * M,
  1 * H, 2 * H, 3 * H, 6 * H, 12 * H,
  1 * D, 2 * D, 7 * D, 14 * D, 31 * D,
]

const UNITS: Record<string, number> = { ms: 1, s: S, m: M, h: H, d: D }
const STEP = /^(\d{1,12})(ms|s|m|h|d)?$/

/** `30s`, `5m`, `1h`, `1d`, `250ms`, or bare milliseconds; null when malformed. */
export function parseStepMs(text: string): number | null {
  const m = STEP.exec(text.trim())
  if (!m) return null
  const ms = Number(m[1]) * UNITS[m[2] ?? 'ms']!
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null
}

/** Number of epoch-aligned buckets of `stepMs` that intersect the range. */
export function bucketCount(range: TimeRange, stepMs: number): number {
  const stepNs = BigInt(stepMs) * NS_PER_MS
  const first = range.fromNs / stepNs
  const last = (range.toNs - 1n) / stepNs
  return Number(last - first) + 1
}

/** Start (unix ms) of every bucket intersecting the range, ascending. */
export function bucketStartsMs(range: TimeRange, stepMs: number): number[] {
  const stepNs = BigInt(stepMs) * NS_PER_MS
  const first = range.fromNs / stepNs
  const count = bucketCount(range, stepMs)
  const starts: number[] = []
  for (let i = 0n; i < BigInt(count); i++) starts.push(Number((first + i) * stepNs / NS_PER_MS))
  return starts
}

/** Seconds of a bucket that lie inside the range (rates divide by this, not by the full step). */
export function bucketCoverageSeconds(range: TimeRange, bucketStartMs: number, stepMs: number): number {
  const startNs = BigInt(bucketStartMs) * NS_PER_MS
  const endNs = startNs + BigInt(stepMs) * NS_PER_MS
  const lo = startNs > range.fromNs ? startNs : range.fromNs
  const hi = endNs < range.toNs ? endNs : range.toNs
  return hi > lo ? Number(hi - lo) / 1e9 : 0
}

export function chooseStepMs(range: TimeRange, requested: string | undefined, maxPoints: number): number {
  if (requested !== undefined) {
    const stepMs = parseStepMs(requested)
    if (stepMs === null || stepMs < S) throw new BadRequest(`step must be a duration of at least 1s such as 30s, 5m, 1h or milliseconds, got ${JSON.stringify(requested.slice(0, 32))}`)
    const points = bucketCount(range, stepMs)
    if (points > maxPoints) {
      throw new BadRequest(`step ${requested} gives ${points} points over this range; the maximum is ${maxPoints}: use step ${formatStep(chooseStepMs(range, undefined, maxPoints))} or more`)
    }
    return stepMs
  }
  for (const stepMs of NICE_STEPS_MS) if (bucketCount(range, stepMs) <= maxPoints) return stepMs
  return NICE_STEPS_MS[NICE_STEPS_MS.length - 1]!
}

export function formatStep(stepMs: number): string {
  for (const [unit, size] of [['d', D], ['h', H], ['m', M], ['s', S]] as const) if (stepMs % size === 0) return `${stepMs / size}${unit}`
  return `${stepMs}ms`
}
