'use client'
/**
 * SLOs: per SLO its SLI, budget left, time to exhaustion, burn rates and burn-down (GET
 * /slos/:id/status); suggested SLOs from the observed traffic (GET /slos/suggestions), each
 * created with POST /slos/suggestions/:service/accept for that SLI.
 */
import { useState } from 'react'
import { apiFetch, apiPath } from '../../api/client.ts'
import type { AcceptBody, SloSuggestion, SloSuggestionsResponse, SlosResponse } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { formatPercent } from '../../lib/format.ts'
import { useTimeRange } from '../../lib/use-time-range.ts'
import { Empty, ErrorState, Loading } from '../layout/StateViews.tsx'
import { SloCard } from './SloCard.tsx'
import { slosOf } from './slo-list.ts'

export function SlosPage() {
  const { tick } = useTimeRange()
  const [created, setCreated] = useState(0)
  const slos = useApi<SlosResponse>(apiPath('/slos'), tick + created)
  const suggestions = useApi<SloSuggestionsResponse>(apiPath('/slos/suggestions'), created)
  const [message, setMessage] = useState<string | null>(null)
  const list = slosOf(slos.data)
  const suggested = suggestions.data?.suggestions ?? []
  const accept = async (s: SloSuggestion) => {
    const body: AcceptBody = { sli: [s.sli], windowDays: s.windowDays as 7 | 28 | 30 }
    const result = await apiFetch<SlosResponse>(apiPath(`/slos/suggestions/${encodeURIComponent(s.service)}/accept`), { method: 'POST', body })
    setMessage(result.ok ? `Created “${s.name}”.` : `Could not create the SLO: ${result.message}`)
    if (result.ok) setCreated((c) => c + 1)
  }
  return (
    <div data-testid="page-slos">
      <h1>SLOs</h1>
      {slos.error ? <ErrorState error={slos.error} what="SLOs" /> : slos.data === undefined ? <Loading what="SLOs" /> : list.length === 0 ? <Empty hint="Create one from the suggestions below.">No SLOs defined.</Empty> : (
        <div className="grid-2">
          {list.map((slo) => (
            <SloCard key={slo.id} slo={slo} tick={tick} />
          ))}
        </div>
      )}
      <h2>Suggested SLOs</h2>
      {message ? <div className="muted" data-testid="slo-message">{message}</div> : null}
      {suggestions.error ? <ErrorState error={suggestions.error} what="suggested SLOs" /> : suggestions.data === undefined ? <Loading what="suggestions" /> : suggested.length === 0 ? <Empty>No suggestions.</Empty> : (
        <table className="data" data-testid="slo-suggestions">
          <thead>
            <tr>
              <th>Name</th>
              <th>Service</th>
              <th>SLI</th>
              <th className="num">Objective</th>
              <th>Observed</th>
              <th>Why</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {suggested.map((s) => (
              <tr key={`${s.service}/${s.sli}`} data-service={s.service} data-sli={s.sli}>
                <td>{s.name}</td>
                <td>{s.service}</td>
                <td>
                  {s.sli}
                  {s.thresholdMs !== null ? ` ≤ ${s.thresholdMs} ms` : ''}
                </td>
                <td className="num">
                  {s.objective}% / {s.window}
                </td>
                <td className="muted">
                  {s.observed.requests} req, {formatPercent(s.observed.errorRate, 2)} errors{s.observed.p99Ms !== null ? `, p99 ${s.observed.p99Ms} ms` : ''}
                </td>
                <td className="muted" style={{ whiteSpace: 'normal' }}>{s.reason}</td>
                <td>
                  <button type="button" onClick={() => accept(s)} data-testid="slo-create">
                    Create
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
