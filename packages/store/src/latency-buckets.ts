/**
 * Log-bucketed latency histogram, defined ONCE here for both TypeScript and SQL.
 *
 * bucket(durationNs) = floor(ln(max(durationNs, 1)) / ln(1.01) + 0.5), i.e. the nearest integer
 * power of 1.01. Bucket b holds durations in [1.01^(b − ½), 1.01^(b + ½)), so reporting a
 * percentile as the bucket's upper bound overstates it by at most 1 % and never understates it.
 * UInt16 holds every bucket of a UInt64 duration (the largest is 4459).
 *
 * The golden-signal rollups (migrations/0002_*.sql) store per-minute `Map(bucket → count)`
 * filled with LATENCY_BUCKET_SQL, and the query API's raw path over spans must group by the
 * same expression: both then produce the same histogram, and `quantileFromBuckets` turns either
 * into the same percentile. `floor(x + 0.5)` rather than round(): it has one tie rule in JS and
 * ClickHouse alike.
 */

export const LATENCY_BUCKET_BASE = 1.01

const LN_BASE = Math.log(LATENCY_BUCKET_BASE)

/** SQL for the bucket of a UInt64 ns duration column or expression (default `Duration`). */
export function latencyBucketSql(durationNs = 'Duration'): string {
  return `toUInt16(floor(log(greatest(${durationNs}, 1)) / log(1.01) + 0.5))`
}

/** The expression the rollup materialized view uses, on otel_traces.Duration. */
export const LATENCY_BUCKET_SQL = latencyBucketSql('Duration')

export function latencyBucketOf(durationNs: number | bigint): number {
  const ns = typeof durationNs === 'bigint' ? Number(durationNs) : durationNs
  return Math.floor(Math.log(Math.max(ns, 1)) / LN_BASE + 0.5)
}

/** Exclusive upper bound of a bucket, ns: within 1 % above every duration in the bucket. */
export function latencyBucketUpperNs(bucket: number): number {
  return Math.pow(LATENCY_BUCKET_BASE, bucket + 0.5)
}

/** Inclusive lower bound of a bucket, ns. */
export function latencyBucketLowerNs(bucket: number): number {
  return bucket === 0 ? 0 : Math.pow(LATENCY_BUCKET_BASE, bucket - 0.5)
}

/** bucket → count, as ClickHouse returns a Map(UInt16, UInt64) in JSON (keys and counts as strings). */
export type LatencyHistogram = Readonly<Record<string, string | number | bigint>>

/**
 * The q-quantile (0 < q ≤ 1) of a histogram by the nearest-rank method: the upper bound of the
 * bucket holding the ⌈q·n⌉-th smallest duration; undefined for an empty histogram.
 */
export function quantileFromBuckets(histogram: LatencyHistogram, q: number): number | undefined {
  if (!(q > 0 && q <= 1)) throw new RangeError(`quantile must be in (0, 1], got ${q}`)
  const buckets = Object.entries(histogram)
    .map(([bucket, count]) => [Number(bucket), Number(count)] as const)
    .filter(([, count]) => count > 0)
    .sort((a, b) => a[0] - b[0])
  const total = buckets.reduce((sum, [, count]) => sum + count, 0)
  if (total === 0) return undefined
  const rank = Math.max(1, Math.ceil(q * total))
  let seen = 0
  for (const [bucket, count] of buckets) {
    seen += count
    if (seen >= rank) return latencyBucketUpperNs(bucket)
  }
  return latencyBucketUpperNs(buckets[buckets.length - 1]![0])
}

/** Adds histograms (e.g. per-minute rollup rows into one range). */
export function mergeHistograms(histograms: Iterable<LatencyHistogram>): Record<string, number> {
  const merged: Record<string, number> = {}
  for (const histogram of histograms) {
    for (const [bucket, count] of Object.entries(histogram)) merged[bucket] = (merged[bucket] ?? 0) + Number(count)
  }
  return merged
}
