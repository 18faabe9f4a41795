/**
 * Suggested SLOs from observed traffic: for every service with at least MIN_REQUESTS entry spans
 * in the range (default the last 7 days), an availability SLO at 99.9 % and a latency SLO whose
 * threshold is the observed p99 — the upper bound of its latency bucket — rounded up to two
 * significant digits, at 99 % (by construction at least 99 % of the observed requests would have
 * counted as good under the SLI's bucket rule). A service that already has an SLO
 * of that kind (over all its operations) gets no suggestion of that kind.
 */
import { mergeHistograms, quantileFromBuckets } from '@periscope/store'
import { planSignals, signalsQuery, type SignalsRow } from '../queries/golden-signals.ts'
import type { SloSuggestion } from '../schemas/slos.ts'
import { latencyOf } from '../signals/red.ts'
import type { QueryContext, QueryRunner } from '../sql/query-runner.ts'
import type { TimeRange } from '../time/time-range.ts'
import type { SloRecord } from './slo-store.ts'

export const MIN_REQUESTS = 100
export const SUGGESTED_AVAILABILITY = 99.9
export const SUGGESTED_LATENCY_OBJECTIVE = 99
export const SUGGESTED_WINDOW_DAYS = 30

export interface ObservedService {
  readonly service: string
  readonly requests: number
  readonly errorRate: number
  /** p99 of every request (successful and failed), ms, capped at the slowest seen; null without requests */
  readonly p99Ms: number | null
  /**
   * the upper bound of the p99's latency bucket, ms: a latency SLI counts a request good only
   * when its whole bucket is under the threshold (latency-threshold.ts), so a threshold at or
   * above this bound keeps at least 99 % of the observed requests good
   */
  readonly p99BucketBoundMs: number | null
}

/** Two significant digits, rounded up: 243.2 → 250, 1234 → 1300, 0.832 → 0.84. */
export function niceCeil(value: number): number {
  if (!(value > 0)) return value
  const unit = 10 ** (Math.floor(Math.log10(value)) - 1)
  const steps = Math.ceil(Number((value / unit).toPrecision(12)))
  return Number((steps * unit).toPrecision(12))
}

export async function observeServices(runner: QueryRunner, context: QueryContext, range: TimeRange, service?: string): Promise<ObservedService[]> {
  const plan = planSignals(range, { minRangeMs: 0, source: 'rollup' })
  const rows = await runner.rows<SignalsRow>(signalsQuery({ tenantId: context.tenantId, plan, groupBy: 'service', service }), context)
  return rows.map((row) => {
    const requests = Number(row.requests)
    const all = mergeHistograms([row.latencyOk, row.latencyError])
    const boundNs = quantileFromBuckets(all, 0.99)
    return {
      service: row.key,
      requests,
      errorRate: requests > 0 ? Number(row.errors) / requests : 0,
      p99Ms: latencyOf(all, Number(row.durationMaxNs)).p99,
      p99BucketBoundMs: boundNs === undefined ? null : boundNs / 1e6,
    }
  })
}

export function suggest(observed: readonly ObservedService[], existing: readonly Pick<SloRecord, 'service' | 'operation' | 'sli'>[], rangeText: string): SloSuggestion[] {
  const covered = new Set(existing.filter((s) => s.operation === '').map((s) => `${s.sli}\u0000${s.service}`))
  const out: SloSuggestion[] = []
  for (const o of observed) {
    if (o.requests < MIN_REQUESTS) continue
    const observedFacts = { requests: o.requests, errorRate: o.errorRate, p99Ms: o.p99Ms }
    const window = { windowDays: SUGGESTED_WINDOW_DAYS, window: `${SUGGESTED_WINDOW_DAYS}d` }
    if (!covered.has(`availability\u0000${o.service}`)) {
      out.push({
        service: o.service,
        sli: 'availability',
        name: `${o.service} availability`,
        objective: SUGGESTED_AVAILABILITY,
        thresholdMs: null,
        ...window,
        reason: `${o.requests} requests over ${rangeText}, ${(o.errorRate * 100).toFixed(3)} % of them errors`,
        observed: observedFacts,
      })
    }
    if (o.p99Ms !== null && o.p99BucketBoundMs !== null && !covered.has(`latency\u0000${o.service}`)) {
      const thresholdMs = niceCeil(o.p99BucketBoundMs)
      out.push({
        service: o.service,
        sli: 'latency',
        name: `${o.service} latency ≤ ${thresholdMs} ms`,
        objective: SUGGESTED_LATENCY_OBJECTIVE,
        thresholdMs,
        ...window,
        reason: `observed p99 ${o.p99Ms.toFixed(1)} ms over ${rangeText} (its latency bucket reaches ${o.p99BucketBoundMs.toFixed(2)} ms), rounded up`,
        observed: observedFacts,
      })
    }
  }
  return out
}
