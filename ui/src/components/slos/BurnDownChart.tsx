'use client'
/**
 * Error-budget burn-down of an availability SLO over its window, from the service's golden
 * signals (requests and errors per bucket): budget left (solid) against the even-spend line
 * (dashed).
 */
import { apiPath } from '../../api/client.ts'
import type { SignalsResponse, Slo } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { burnDown } from '../../lib/burn-down.ts'
import { formatPercent } from '../../lib/format.ts'
import { chooseStepMs, stepParam } from '../../lib/step.ts'
import { TimeSeriesChart } from '../charts/TimeSeriesChart.tsx'
import { Empty, Guard } from '../layout/StateViews.tsx'
import { sloWindowMs } from './slo-window.ts'

export function BurnDownChart({ slo, nowMs, tick }: { slo: Slo; nowMs: number; tick: number }) {
  const windowMs = sloWindowMs(slo.window)
  const fromMs = nowMs - windowMs
  const stepMs = chooseStepMs(windowMs, 120)
  const availability = slo.sli === 'availability'
  const state = useApi<SignalsResponse>(availability ? apiPath(`/services/${encodeURIComponent(slo.service)}/signals`, { from: fromMs, to: nowMs, step: stepParam(stepMs) }) : null, tick)
  if (!availability) return <Empty hint="the query API gives latency percentiles, not counts of slow requests per bucket">No burn-down for latency SLOs yet.</Empty>
  return (
    <Guard state={state} what="the burn-down" isEmpty={(d) => d.points.length === 0} empty="No requests in the SLO window.">
      {(data) => (
        <TimeSeriesChart
          testid="burn-down"
          data={burnDown(data.points.map((p) => ({ t: p.t, total: p.requests, bad: p.errors })), slo.objective, { fromMs, toMs: nowMs }).map((p) => ({ t: p.t, remaining: p.remaining, ideal: p.ideal }))}
          series={[
            { key: 'remaining', label: 'budget left', color: '#46a758' },
            { key: 'ideal', label: 'even spend', color: '#8b93a3', dashed: true },
          ]}
          format={(v) => formatPercent(v, 0)}
          height={160}
          domainMs={[fromMs, nowMs]}
          yDomain={['auto', 1]}
        />
      )}
    </Guard>
  )
}
