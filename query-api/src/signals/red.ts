/**
 * Rows of the golden-signals query → RED numbers. Percentiles come from the store's
 * quantileFromBuckets (nearest rank, the bucket's upper bound: never below the true value, at
 * most 1 % above it), capped at the largest duration seen — which keeps both properties and
 * removes the overshoot when all requests took the same time. `max` of one kind (ok/error) is
 * its largest bucket's bound capped the same way; the rollups keep one max for both kinds.
 */
import { latencyBucketUpperNs, type LatencyHistogram } from '@periscope/store'
import type { LatencyMs } from '../schemas/common.ts'
import type { SignalsRow } from '../queries/golden-signals.ts'

export const PERCENTILES = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 } as const

export interface Red {
  requests: number
  errors: number
  errorRate: number
  durationSumNs: number
  meanMs: number | null
  latencyMs: LatencyMs
  errorLatencyMs: LatencyMs
}

const NS_PER_MS = 1e6

/**
 * Several q-quantiles of one histogram, sorting it once: for each q (ascending), the upper bound
 * of the bucket holding the ⌈q·n⌉-th smallest duration — exactly the store's
 * quantileFromBuckets (nearest rank), which re-sorts per call (tested equal in signals.test.ts).
 */
export function quantilesFromBuckets(histogram: LatencyHistogram, qs: readonly number[]): Array<number | undefined> {
  const buckets: Array<[number, number]> = []
  let total = 0
  for (const bucket in histogram) {
    const count = Number(histogram[bucket])
    if (count > 0) {
      buckets.push([Number(bucket), count])
      total += count
    }
  }
  if (total === 0) return qs.map(() => undefined)
  buckets.sort((a, b) => a[0] - b[0])
  return qs.map((q) => {
    if (!(q > 0 && q <= 1)) throw new RangeError(`quantile must be in (0, 1], got ${q}`)
    const rank = Math.max(1, Math.ceil(q * total))
    let seen = 0
    for (const [bucket, count] of buckets) {
      seen += count
      if (seen >= rank) return latencyBucketUpperNs(bucket)
    }
    return latencyBucketUpperNs(buckets[buckets.length - 1]![0])
  })
}

const QS = [PERCENTILES.p50, PERCENTILES.p90, PERCENTILES.p95, PERCENTILES.p99, 1]

/** Latency percentiles (ms) of a histogram, each capped at `maxNs`; nulls when it is empty. */
export function latencyOf(histogram: LatencyHistogram, maxNs: number): LatencyMs {
  const [p50, p90, p95, p99, max] = quantilesFromBuckets(histogram, QS).map((ns) => (ns === undefined ? null : Math.min(ns, maxNs) / NS_PER_MS))
  return { p50: p50!, p90: p90!, p95: p95!, p99: p99!, max: max! }
}

export function redOf(row: SignalsRow): Red {
  const requests = Number(row.requests)
  const errors = Number(row.errors)
  const durationSumNs = Number(row.durationSumNs)
  const maxNs = Number(row.durationMaxNs)
  return {
    requests,
    errors,
    errorRate: requests > 0 ? errors / requests : 0,
    durationSumNs,
    meanMs: requests > 0 ? durationSumNs / requests / NS_PER_MS : null,
    latencyMs: latencyOf(row.latencyOk, maxNs),
    errorLatencyMs: latencyOf(row.latencyError, maxNs),
  }
}

export const EMPTY_LATENCY: LatencyMs = { p50: null, p90: null, p95: null, p99: null, max: null }
