/**
 * The q-quantile of an explicit-bounds histogram, as Prometheus' histogram_quantile computes it:
 * bucket i holds observations in (bounds[i−1], bounds[i]] (the first from 0, the last up to +∞);
 * the rank q·total falls in one bucket and the value is interpolated linearly inside it. A rank
 * in the last, unbounded bucket answers the largest finite bound. null when there are no
 * observations; counts of length bounds.length + 1 (missing counts are 0).
 */
export function histogramQuantile(q: number, bounds: readonly number[], counts: readonly number[]): number | null {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`)
  const total = counts.reduce((sum, c) => sum + c, 0)
  if (!(total > 0)) return null
  const rank = q * total
  let seen = 0
  for (let i = 0; i <= bounds.length; i++) {
    const count = counts[i] ?? 0
    if (count > 0 && seen + count >= rank) {
      if (i === bounds.length) return bounds.length > 0 ? bounds[bounds.length - 1]! : null
      const upper = bounds[i]!
      const lower = i === 0 ? Math.min(0, upper) : bounds[i - 1]!
      return lower + (upper - lower) * ((rank - seen) / count)
    }
    seen += count
  }
  return bounds.length > 0 ? bounds[bounds.length - 1]! : null
}
