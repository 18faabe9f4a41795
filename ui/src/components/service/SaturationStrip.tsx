'use client'
/**
 * Saturation and utilisation of the hosts and pods behind the service: one small chart per
 * gauge (utilisation as a fraction, saturation in the gauge's own unit), with the host and pod
 * names underneath.
 */
import type { ResourceSeries } from '../../api/types.ts'
import { formatCount, formatPercent } from '../../lib/format.ts'
import { Empty } from '../layout/StateViews.tsx'
import { TimeSeriesChart } from '../charts/TimeSeriesChart.tsx'

function Mini({ series, percent, domainMs }: { series: ResourceSeries; percent: boolean; domainMs: [number, number] }) {
  const last = [...series.points].reverse().find((p) => p.value !== null)?.value ?? null
  return (
    <div className="panel" data-testid="saturation-panel">
      <div className="chart-title">
        <span className="mono">{series.metric}</span>
        <span>{last === null ? '–' : percent ? formatPercent(last, 1) : formatCount(last)}</span>
      </div>
      <TimeSeriesChart
        data={series.points.map((p) => ({ t: p.t, value: p.value }))}
        series={[{ key: 'value', label: series.metric, color: percent ? '#76b7b2' : '#edc948' }]}
        format={percent ? (v) => formatPercent(v, 0) : formatCount}
        height={90}
        domainMs={domainMs}
        yDomain={percent ? [0, 1] : [0, 'auto']}
      />
    </div>
  )
}

export function SaturationStrip({ utilization, saturation, hosts, pods, domainMs }: { utilization: readonly ResourceSeries[]; saturation: readonly ResourceSeries[]; hosts: readonly string[]; pods: readonly string[]; domainMs: [number, number] }) {
  const withData = (s: ResourceSeries) => s.points.some((p) => p.value !== null)
  const u = utilization.filter(withData)
  const s = saturation.filter(withData)
  return (
    <div data-testid="saturation-strip">
      {u.length + s.length === 0 ? (
        <Empty hint="host_metrics / runtime metrics of the hosts and pods serving it (agent) have not reported in this range">No saturation or utilisation data for this service.</Empty>
      ) : (
        <div className="grid-3">
          {u.map((series) => (
            <Mini key={`u-${series.metric}`} series={series} percent domainMs={domainMs} />
          ))}
          {s.map((series) => (
            <Mini key={`s-${series.metric}`} series={series} percent={false} domainMs={domainMs} />
          ))}
        </div>
      )}
      <div className="muted" style={{ marginTop: 6, fontSize: 12 }}>
        Hosts: {hosts.length ? hosts.join(', ') : '–'} · Pods: {pods.length ? pods.join(', ') : '–'}
      </div>
    </div>
  )
}
