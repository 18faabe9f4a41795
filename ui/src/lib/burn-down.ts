/**
 * Error-budget burn-down of an SLO: the budget is (1 − objective) × all requests of the
 * window; each point says how much of it is left after the bad requests up to that bucket's
 * end. The ideal line spends the budget evenly over the window. remaining can go below 0
 * (budget overspent); the last point equals the status's errorBudget.remaining when computed
 * over the same requests.
 */

export interface BurnInputPoint {
  /** bucket start, unix ms */
  t: number
  total: number
  bad: number
}

export interface BurnDownPoint {
  t: number
  /** fraction of the budget left, 1 → 0 (negative when overspent) */
  remaining: number
  /** the even-spend line at t */
  ideal: number
}

export function burnDown(points: readonly BurnInputPoint[], objectivePct: number, window?: { fromMs: number; toMs: number }): BurnDownPoint[] {
  if (points.length === 0) return []
  const sorted = [...points].sort((a, b) => a.t - b.t)
  const total = sorted.reduce((sum, p) => sum + p.total, 0)
  const allowedBad = (1 - objectivePct / 100) * total
  const fromMs = window?.fromMs ?? sorted[0]!.t
  const toMs = window?.toMs ?? sorted[sorted.length - 1]!.t
  const span = toMs - fromMs
  let bad = 0
  return sorted.map((p) => {
    bad += p.bad
    const remaining = allowedBad > 0 ? 1 - bad / allowedBad : bad > 0 ? -Infinity : 1
    const ideal = span > 0 ? 1 - Math.min(1, Math.max(0, (p.t - fromMs) / span)) : 0
    return { t: p.t, remaining: Number.isFinite(remaining) ? remaining : -1, ideal }
  })
}

/** Burn rate over a set of buckets: (bad / total) / (1 − objective); null without requests. */
export function burnRate(points: readonly BurnInputPoint[], objectivePct: number): number | null {
  let total = 0
  let bad = 0
  for (const p of points) {
    total += p.total
    bad += p.bad
  }
  const budget = 1 - objectivePct / 100
  if (total === 0 || budget <= 0) return null
  return bad / total / budget
}
