/**
 * Error-budget arithmetic of request-based SLOs (Google SRE workbook), pure.
 *
 * An SLO has an objective T in percent (99.9) over a rolling window W. Over any set of requests
 * with `total` requests of which `bad` failed the SLI:
 *   budget fraction        B = 1 − T/100             the share of requests allowed to be bad
 *   SLI                      = 100 · (total − bad) / total          (percent; null without requests)
 *   burn rate                = (bad / total) / B     1 = spending exactly the budget over W;
 *                                                    0 without requests
 *   budget consumed          = (bad / total) / B     as a fraction of the budget (over W)
 *   budget remaining         = 1 − consumed          negative once the budget is overspent
 *   time to exhaustion       = remaining · W / burn  at a constant burn rate: a burn of 1 spends
 *                                                    the whole budget in W; null when nothing
 *                                                    burns, 0 when nothing is left
 * The burn-down of a window spends the window's budget, B · total(W) requests, bad request by
 * bad request: after bucket k, remaining = 1 − (bad of buckets ≤ k) / (B · total(W)); its last
 * point equals `remaining` above.
 */

export interface EventCounts {
  /** requests the SLI counts */
  readonly total: number
  /** of them, the ones that failed it (errors, or slower than the threshold) */
  readonly bad: number
}

export interface ErrorBudget {
  /** the budget as a fraction of requests: 1 − objective/100 (0.001 for 99.9 %) */
  readonly total: number
  /** bad requests as a fraction of all requests of the window (0.0004 = 0.04 %) */
  readonly consumed: number
  /** fraction of the budget left: 1 − consumed/total (negative when overspent) */
  readonly remaining: number
}

/** Objectives are percentages strictly between 0 and 100, so the budget is never zero. */
export function budgetFraction(objectivePercent: number): number {
  if (!(objectivePercent > 0 && objectivePercent < 100)) throw new RangeError(`objective must be in (0, 100) percent, got ${objectivePercent}`)
  return (100 - objectivePercent) / 100
}

export function sliPercent(counts: EventCounts): number | null {
  if (counts.total <= 0) return null
  return (100 * (counts.total - counts.bad)) / counts.total
}

export function burnRate(counts: EventCounts, objectivePercent: number): number {
  const budget = budgetFraction(objectivePercent)
  if (counts.total <= 0) return 0
  return counts.bad / counts.total / budget
}

export function errorBudget(counts: EventCounts, objectivePercent: number): ErrorBudget {
  const total = budgetFraction(objectivePercent)
  const consumed = counts.total > 0 ? counts.bad / counts.total : 0
  return { total, consumed, remaining: 1 - consumed / total }
}

/** Seconds until the budget is gone at `burn`; null when nothing burns. */
export function timeToExhaustionS(remaining: number, burn: number, windowMs: number): number | null {
  if (remaining <= 0) return 0
  if (!(burn > 0)) return null
  return (remaining * windowMs) / burn / 1000
}

export interface BurnBucket {
  /** end of the bucket, unix ms */
  readonly tMs: number
  readonly total: number
  readonly bad: number
}

export interface BurnDownPoint {
  /** unix ms: the end of the bucket */
  readonly t: number
  /** fraction of the window's budget left after the bucket */
  readonly remaining: number
}

/** Buckets must cover the whole window, in time order. */
export function burnDown(buckets: readonly BurnBucket[], objectivePercent: number): BurnDownPoint[] {
  const budget = budgetFraction(objectivePercent)
  const totalRequests = buckets.reduce((sum, b) => sum + b.total, 0)
  const allowedBad = budget * totalRequests
  let bad = 0
  return buckets.map((bucket) => {
    bad += bucket.bad
    return { t: bucket.tMs, remaining: allowedBad > 0 ? 1 - bad / allowedBad : 1 }
  })
}
