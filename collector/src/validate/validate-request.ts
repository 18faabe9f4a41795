/** One entry point for the three signals' item rules. */
import type { RequestOf, Signal } from '@periscope/model'
import { createTally, timeWindow, type ItemRules, type Tally } from './item-rules.ts'
import { validateLogs } from './validate-logs.ts'
import { validateMetrics } from './validate-metrics.ts'
import { validateTraces } from './validate-traces.ts'

/** Applies the item rules to `request` in place and returns the tally of what they did. */
export function validateRequest<S extends Signal>(signal: S, request: RequestOf[S], rules: ItemRules, nowMs: number): Tally {
  const tally = createTally()
  const window = timeWindow(nowMs, rules)
  if (signal === 'traces') validateTraces(request as RequestOf['traces'], rules, window, tally)
  else if (signal === 'logs') validateLogs(request as RequestOf['logs'], rules, window, tally)
  else validateMetrics(request as RequestOf['metrics'], rules, window, tally)
  return tally
}

/** What OTLP calls the items of each signal, for partial-success messages. */
export const ITEM_NAMES: Record<Signal, string> = { traces: 'spans', logs: 'log records', metrics: 'data points' }
