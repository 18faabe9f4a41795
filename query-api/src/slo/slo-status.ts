/**
 * An SLO's status at an instant: SLI, error budget, burn rates over 5m…3d, time to exhaustion at
 * the 1h burn, and the burn-down of the window — two statements (all windows in one, the
 * burn-down series in the other), arithmetic in slo-math.ts.
 */
import type { QueryContext, QueryRunner } from '../sql/query-runner.ts'
import type { SloStatus } from '../schemas/slos.ts'
import { isoOfNs } from '../time/iso.ts'
import { goodMaxBucket, effectiveThresholdNs } from './latency-threshold.ts'
import { countsOf, seriesQuery, windowsQuery, windowStartNs, type SliSelector, type WindowCounts } from './sli-query.ts'
import { burnDown, burnRate, errorBudget, sliPercent, timeToExhaustionS, type BurnBucket } from './slo-math.ts'
import type { SloRecord } from './slo-store.ts'
import { BURN_RATE_WINDOWS, DAY_MS, MINUTE_MS, formatWindow, windowMsOrThrow, type BurnRateWindow } from './windows.ts'

/** Burn-down points at most; the step is a whole number of minutes. */
export const MAX_BURN_DOWN_POINTS = 200

export function selectorOf(slo: SloRecord): SliSelector {
  return { tenantId: slo.tenantId, service: slo.service, operation: slo.operation, kind: slo.sli, goodMaxBucket: slo.sli === 'latency' ? goodMaxBucket(slo.thresholdNs) : -1 }
}

export function sloWindowMs(slo: Pick<SloRecord, 'windowDays'>): number {
  return slo.windowDays * DAY_MS
}

/** Good/bad counts of an SLO over windows ending at toNs (windows as text: '5m', '30d'). */
export async function windowCounts(runner: QueryRunner, context: QueryContext, slo: SloRecord, toNs: bigint, windows: readonly string[]): Promise<Map<string, WindowCounts>> {
  const unique = [...new Set(windows)]
  const rows = await runner.rows<Record<string, string>>(windowsQuery(selectorOf(slo), toNs, unique.map(windowMsOrThrow)), context)
  const counts = countsOf(rows[0], unique.length)
  return new Map(unique.map((w, i) => [w, counts[i]!]))
}

export async function sloStatus(runner: QueryRunner, context: QueryContext, slo: SloRecord, toNs: bigint): Promise<SloStatus> {
  const windowMs = sloWindowMs(slo)
  const window = formatWindow(windowMs)
  const counts = await windowCounts(runner, context, slo, toNs, [...BURN_RATE_WINDOWS, window])
  const overall = counts.get(window)!
  const burnRates = Object.fromEntries(BURN_RATE_WINDOWS.map((w) => [w, burnRate(counts.get(w)!, slo.objective)])) as Record<BurnRateWindow, number>
  const budget = errorBudget(overall, slo.objective)

  const stepMs = Math.ceil(windowMs / MAX_BURN_DOWN_POINTS / MINUTE_MS) * MINUTE_MS
  const fromNs = windowStartNs(toNs, windowMs)
  const rows = await runner.rows<{ bucket: string; total: string; bad: string }>(seriesQuery(selectorOf(slo), fromNs, toNs, stepMs), context)
  const buckets = burnBuckets(rows, Number(fromNs / 1_000_000n), Number(toNs / 1_000_000n), stepMs)

  return {
    sloId: slo.id,
    evaluatedAt: isoOfNs(toNs),
    window,
    objective: slo.objective,
    sli: sliPercent(overall),
    requests: { total: overall.total, good: overall.total - overall.bad, bad: overall.bad },
    errorBudget: budget,
    burnRates,
    timeToExhaustionS: timeToExhaustionS(budget.remaining, burnRates['1h'], windowMs),
    burnDown: burnDown(buckets, slo.objective),
    stepMs,
    effectiveThresholdMs: slo.sli === 'latency' ? effectiveThresholdNs(slo.thresholdNs) / 1e6 : null,
  }
}

/** Every bucket of [fromMs, toMs), empty ones included, each ending at its end (the last at toMs). */
export function burnBuckets(rows: readonly { bucket: string | number; total: string | number; bad: string | number }[], fromMs: number, toMs: number, stepMs: number): BurnBucket[] {
  const count = Math.ceil((toMs - fromMs) / stepMs)
  const byIndex = new Map(rows.map((r) => [Number(r.bucket), r]))
  return Array.from({ length: count }, (_, k) => {
    const row = byIndex.get(k)
    return { tMs: Math.min(toMs, fromMs + (k + 1) * stepMs), total: Number(row?.total ?? 0), bad: Number(row?.bad ?? 0) }
  })
}
