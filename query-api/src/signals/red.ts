/**
 * Rows of the golden-signals query → RED numbers. Percentiles come from the store's
 * quantileFromBuckets (nearest rank, the bucket's upper bound: never below the true value, at
 * most 1 % above it), capped at the largest duration seen — which keeps both properties and
 * removes the overshoot when all requests took the same time. `max` of one kind (ok/error) is
 * its largest bucket's bound capped the same way; the rollups keep one max for both kinds.
 */
import { quantileFromBuckets, type LatencyHistogram } from '@periscope/store'
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

/** Latency percentiles (ms) of a histogram, each capped at `maxNs`; nulls when it is empty. */
export function latencyOf(histogram: LatencyHistogram, maxNs: number): LatencyMs {
  const at = (q: number): number | null => {
    const ns = quantileFromBuckets(histogram, q)
    return ns === undefined ? null : Math.min(ns, maxNs) / NS_PER_MS
  }
  return { p50: at(PERCENTILES.p50), p90: at(PERCENTILES.p90), p95: at(PERCENTILES.p95), p99: at(PERCENTILES.p99), max: at(1) }
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
