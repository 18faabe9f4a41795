'use client'
import { apiPath } from '../../api/client.ts'
import type { Slo, SloStatus } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { formatPercent } from '../../lib/format.ts'
import { serviceColor } from '../../lib/service-colors.ts'
import { ErrorState } from '../layout/StateViews.tsx'
import { BurnDownChart } from './BurnDownChart.tsx'

const WINDOWS = ['5m', '30m', '1h', '6h', '1d', '3d'] as const

/** Burn rates above the page (14.4) and ticket (1) thresholds of the multi-window policy. */
function burnClass(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return ''
  if (rate >= 14.4) return 'bad'
  if (rate >= 1) return 'warn'
  return 'good'
}

export function SloCard({ slo, nowMs, tick }: { slo: Slo; nowMs: number; tick: number }) {
  const status = useApi<SloStatus>(apiPath(`/slos/${encodeURIComponent(slo.id)}/status`), tick)
  const s = status.data
  const remaining = s?.errorBudget.remaining
  return (
    <section className="panel" data-testid="slo-card">
      <div className="panel-head">
        <span className="title">
          <span className="swatch" style={{ background: serviceColor(slo.service) }} />
          {slo.name} <span className="muted">({slo.service}, {slo.sli}{slo.thresholdMs ? ` ≤ ${slo.thresholdMs} ms` : ''}, objective {slo.objective}%)</span>
        </span>
      </div>
      {status.error ? <ErrorState pendingRoute error={status.error} what="SLO status" /> : null}
      {s ? (
        <div className="row" style={{ marginBottom: 6 }}>
          <span>
            SLI <b>{s.sli === null ? '–' : `${s.sli.toFixed(3)}%`}</b>
          </span>
          <span>
            Budget left <b className={remaining !== undefined && remaining < 0.25 ? 'bad' : undefined} data-testid="slo-budget">{formatPercent(remaining, 1)}</b>{' '}
            <span className="budget-bar">
              <span style={{ width: `${Math.max(0, Math.min(1, remaining ?? 0)) * 100}%`, background: remaining !== undefined && remaining < 0.25 ? 'var(--error)' : undefined }} />
            </span>
          </span>
          <span className="muted">
            consumed {formatPercent(s.errorBudget.consumed, 1)} of {formatPercent(s.errorBudget.total, 3)}
          </span>
        </div>
      ) : null}
      {s ? (
        <table className="data" style={{ width: 'auto', marginBottom: 6 }}>
          <thead>
            <tr>
              <th>Burn rate</th>
              {WINDOWS.map((w) => (
                <th key={w} className="num">{w}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <td className="muted">× budget</td>
              {WINDOWS.map((w) => {
                const rate = s.burnRates[w]
                return (
                  <td key={w} className={`num ${burnClass(rate)}`}>
                    {rate === null || rate === undefined ? '–' : rate.toFixed(2)}
                  </td>
                )
              })}
            </tr>
          </tbody>
        </table>
      ) : null}
      <BurnDownChart slo={slo} nowMs={nowMs} tick={tick} />
    </section>
  )
}
