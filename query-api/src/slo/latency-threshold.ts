/**
 * Which requests a latency SLI counts as good, in latency buckets (@periscope/store's
 * latency-buckets.ts: bucket b holds durations in [1.01^(b−½), 1.01^(b+½)) ns).
 *
 * Rounding rule: a request is good when its whole bucket lies at or below the threshold, i.e.
 * bucket ≤ goodMaxBucket(threshold), the largest bucket whose upper bound is ≤ the threshold.
 * The per-minute rollups keep only buckets, so this is the one rule both the rollups and raw
 * spans can apply identically (raw spans are bucketed with the same SQL expression), and a
 * window answers the same whether it is read from rollups, from spans, or from both. It is
 * conservative: the effective threshold (the upper bound of goodMaxBucket) is at most 1 % below
 * the configured one, so a request within that 1 % under the threshold counts as bad, and no
 * request above the threshold ever counts as good.
 */
import { latencyBucketUpperNs } from '@periscope/store'

/** The largest bucket whose upper bound is ≤ thresholdNs; −1 when none is (threshold < 1 ns). */
export function goodMaxBucket(thresholdNs: number): number {
  if (!(thresholdNs > 0)) return -1
  let bucket = Math.floor(Math.log(thresholdNs) / Math.log(1.01) - 0.5)
  // the float estimate can be one off at a bucket boundary: settle it on the bound itself
  while (bucket >= 0 && latencyBucketUpperNs(bucket) > thresholdNs) bucket--
  while (latencyBucketUpperNs(bucket + 1) <= thresholdNs) bucket++
  return Math.max(bucket, -1)
}

/** The duration at and below which requests count as good: ≤ thresholdNs, > thresholdNs / 1.01. */
export function effectiveThresholdNs(thresholdNs: number): number {
  const bucket = goodMaxBucket(thresholdNs)
  return bucket < 0 ? 0 : latencyBucketUpperNs(bucket)
}
