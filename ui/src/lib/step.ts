/**
 * Choice of a chart's bucket width: the smallest "nice" step (10 s … 1 d) that keeps a range
 * at or below maxPoints buckets, so the query API's answer fits the chart's pixel width.
 */

export const NICE_STEPS_MS = [
  10_000, 30_000, 60_000, 2 * 60_000, 5 * 60_000, 10 * 60_000, 15 * 60_000, 30 * 60_000, 3600_000, 3 * 3600_000, 6 * 3600_000, 12 * 3600_000, 86_400_000,
] as const

export function chooseStepMs(rangeMs: number, maxPoints = 120): number {
  for (const step of NICE_STEPS_MS) if (rangeMs / step <= maxPoints) return step
  const day = NICE_STEPS_MS[NICE_STEPS_MS.length - 1]!
  return Math.ceil(rangeMs / maxPoints / day) * day
}

/** "30s", "5m", "1h", "1d": the query API's step syntax */
export function stepParam(stepMs: number): string {
  if (stepMs % 86_400_000 === 0) return `${stepMs / 86_400_000}d`
  if (stepMs % 3600_000 === 0) return `${stepMs / 3600_000}h`
  if (stepMs % 60_000 === 0) return `${stepMs / 60_000}m`
  if (stepMs % 1000 === 0) return `${stepMs / 1000}s`
  return String(stepMs)
}
