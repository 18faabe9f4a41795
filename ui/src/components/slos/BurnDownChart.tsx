'use client'
/**
 * Error-budget burn-down of an SLO over its window, as the query API computes it (the status's
 * `burnDown`, bucket by bucket, for availability and latency SLIs alike): budget left (solid)
 * against the even-spend line (dashed).
 */
import type { SloStatus } from '../../api/types.ts'
import { formatPercent } from '../../lib/format.ts'
import { TimeSeriesChart } from '../charts/TimeSeriesChart.tsx'
import { Empty } from '../layout/StateViews.tsx'
import { sloWindowMs } from './slo-window.ts'
import { burnDownRows } from './slo-status-view.ts'

export function BurnDownChart({ status }: { status: SloStatus }) {
  const toMs = Date.parse(status.evaluatedAt)
  const fromMs = toMs - sloWindowMs(status.window)
  if (status.burnDown.length === 0) return <Empty>No requests in the SLO window.</Empty>
  return (
    <TimeSeriesChart
      testid="burn-down"
      data={burnDownRows(status, { fromMs, toMs })}
      series={[
        { key: 'remaining', label: 'budget left', color: '#46a758' },
        { key: 'ideal', label: 'even spend', color: '#8b93a3', dashed: true },
      ]}
      format={(v) => formatPercent(v, 0)}
      height={160}
      domainMs={[fromMs, toMs]}
      yDomain={['auto', 1]}
    />
  )
}
