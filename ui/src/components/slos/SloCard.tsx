'use client'
import { apiPath } from '../../api/client.ts'
import type { Slo, SloStatus } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { formatCount, formatPercent } from '../../lib/format.ts'
import { serviceColor } from '../../lib/service-colors.ts'
import { ErrorState, Loading } from '../layout/StateViews.tsx'
import { BurnDownChart } from './BurnDownChart.tsx'
import { formatTimeToExhaustion } from './slo-status-view.ts'

const WINDOWS = ['5m', '30m', '1h', '6h', '1d', '3d'] as const

/** Burn rates above the page (14.4) and ticket (1) thresholds of the multi-window policy. */
function burnClass(rate: number): string {
  if (rate >= 14.4) return 'bad'
  if (rate >= 1) return 'warn'
  return 'good'
}

export function SloCard({ slo, tick }: { slo: Slo; tick: number }) {
  const status = useApi<SloStatus>(apiPath(`/slos/${encodeURIComponent(slo.id)}/status`), tick)
  const s = status.data
  const remaining = s?.errorBudget.remaining
  const low = remaining !== undefined && remaining < 0.25
  return (
    <section className="panel" data-testid="slo-card" data-slo={slo.name}>
      <div className="panel-head">
        <span className="title">
          <span className="swatch" style={{ background: serviceColor(slo.service) }} />
          {slo.name}{' '}
          <span className="muted">
            ({slo.service}
            {slo.operation ? ` ${slo.operation}` : ''}, {slo.sli}
            {slo.thresholdMs !== null ? ` ≤ ${slo.thresholdMs} ms` : ''}, objective {slo.objective}% over {slo.window})
          </span>
        </span>
      </div>
      {status.error ? <ErrorState error={status.error} what="SLO status" /> : s === undefined ? <Loading what="SLO status" /> : null}
      {s ? (
        <>
          <div className="row" style={{ marginBottom: 6 }}>
            <span>
              SLI <b data-testid="slo-sli">{s.sli === null ? '–' : `${s.sli.toFixed(3)}%`}</b>
            </span>
            <span>
              Budget left <b className={low ? 'bad' : undefined} data-testid="slo-budget">{formatPercent(s.errorBudget.remaining, 1)}</b>{' '}
              <span className="budget-bar">
                <span style={{ width: `${Math.max(0, Math.min(1, s.errorBudget.remaining)) * 100}%`, background: low ? 'var(--error)' : undefined }} />
              </span>
            </span>
            <span>
              Exhausted in <b data-testid="slo-exhaustion">{formatTimeToExhaustion(s.timeToExhaustionS)}</b> <span className="muted">at the 1h rate</span>
            </span>
            <span className="muted">
              {formatCount(s.requests.bad)} bad of {formatCount(s.requests.total)} requests; consumed {formatPercent(s.errorBudget.consumed, 3)} of {formatPercent(s.errorBudget.total, 3)}
              {s.effectiveThresholdMs !== null && s.effectiveThresholdMs !== slo.thresholdMs ? `; compared at ≤ ${s.effectiveThresholdMs} ms` : ''}
            </span>
          </div>
          <table className="data" style={{ width: 'auto', marginBottom: 6 }} data-testid="slo-burn-rates">
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
                {WINDOWS.map((w) => (
                  <td key={w} className={`num ${burnClass(s.burnRates[w])}`}>
                    {s.burnRates[w].toFixed(2)}
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
          <BurnDownChart status={s} />
        </>
      ) : null}
    </section>
  )
}
