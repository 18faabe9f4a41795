'use client'
/**
 * Golden signals of one service: request rate, error rate, and latency percentiles of
 * successful (solid) and failed (dashed) requests. Clicking a point opens that bucket's traces.
 */
import type { SignalPoint } from '../../api/types.ts'
import { formatMs, formatPercent, formatRate } from '../../lib/format.ts'
import { ERROR_COLOR } from '../../lib/service-colors.ts'
import { TimeSeriesChart } from '../charts/TimeSeriesChart.tsx'

export function ServiceCharts({ points, color, onBucket, domainMs }: { points: readonly SignalPoint[]; color: string; onBucket: (tMs: number, errorsOnly: boolean) => void; domainMs: [number, number] }) {
  const rows = points.map((p) => ({
    t: p.t,
    rps: p.rps,
    errorRate: p.errorRate,
    p50: p.p50Ms,
    p95: p.p95Ms,
    p99: p.p99Ms,
    errP50: p.errorLatencyMs?.p50 ?? null,
    errP95: p.errorLatencyMs?.p95 ?? null,
    errP99: p.errorLatencyMs?.p99 ?? null,
  }))
  return (
    <div className="grid-3">
      <div className="panel">
        <div className="chart-title">
          <span>Request rate (req/s)</span>
        </div>
        <TimeSeriesChart testid="chart-rps" data={rows} series={[{ key: 'rps', label: 'req/s', color }]} format={formatRate} onPointClick={(t) => onBucket(t, false)} domainMs={domainMs} />
      </div>
      <div className="panel">
        <div className="chart-title">
          <span>Error rate</span>
        </div>
        <TimeSeriesChart testid="chart-errors" data={rows} series={[{ key: 'errorRate', label: 'errors', color: ERROR_COLOR }]} format={(v) => formatPercent(v, 1)} onPointClick={(t) => onBucket(t, true)} domainMs={domainMs} />
      </div>
      <div className="panel">
        <div className="chart-title">
          <span>Latency — successful (solid), failed (dashed)</span>
        </div>
        <TimeSeriesChart
          testid="chart-latency"
          data={rows}
          series={[
            { key: 'p50', label: 'p50', color: '#46a758' },
            { key: 'p95', label: 'p95', color: '#f5a524' },
            { key: 'p99', label: 'p99', color: '#b07aa1' },
            { key: 'errP50', label: 'p50 failed', color: '#46a758', dashed: true },
            { key: 'errP95', label: 'p95 failed', color: '#f5a524', dashed: true },
            { key: 'errP99', label: 'p99 failed', color: ERROR_COLOR, dashed: true },
          ]}
          format={formatMs}
          onPointClick={(t) => onBucket(t, false)}
          domainMs={domainMs}
        />
      </div>
    </div>
  )
}
