'use client'
/** SLOs: budget left, burn rates and burn-down of each SLO; suggested SLOs with a create button. */
import { useMemo, useState } from 'react'
import { apiFetch, apiPath } from '../../api/client.ts'
import type { Slo, SloSuggestion } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { useTimeRange } from '../../lib/use-time-range.ts'
import { Empty, ErrorState, Loading } from '../layout/StateViews.tsx'
import { SloCard } from './SloCard.tsx'
import { listOf, slosOf } from './slo-list.ts'

export function SlosPage() {
  const { tick } = useTimeRange()
  const [created, setCreated] = useState(0)
  const slos = useApi<unknown>(apiPath('/slos'), tick + created)
  const suggestions = useApi<unknown>(apiPath('/slos/suggestions'), created)
  const [message, setMessage] = useState<string | null>(null)
  // re-read the clock on every refresh so the burn-down windows end at the refresh
  const nowMs = useMemo(() => Date.now(), [tick])
  const list = slosOf(slos.data)
  const suggested = listOf<SloSuggestion>(suggestions.data, 'suggestions')
  const create = async (s: SloSuggestion) => {
    const body: Record<string, unknown> = { name: s.name ?? `${s.service} ${s.sli}`, service: s.service, sli: s.sli, objective: s.objective }
    if (s.thresholdMs !== undefined) body.thresholdMs = s.thresholdMs
    const result = await apiFetch<Slo>(apiPath('/slos'), { method: 'POST', body })
    setMessage(result.ok ? `Created “${String(body.name)}”.` : `Could not create the SLO: ${result.message}`)
    if (result.ok) setCreated((c) => c + 1)
  }
  return (
    <div data-testid="page-slos">
      <h1>SLOs</h1>
      {slos.error ? <ErrorState pendingRoute error={slos.error} what="SLOs" /> : slos.data === undefined ? <Loading what="SLOs" /> : list.length === 0 ? <Empty hint="Create one from the suggestions below.">No SLOs defined.</Empty> : (
        <div className="grid-2">
          {list.map((slo) => (
            <SloCard key={slo.id} slo={slo} nowMs={nowMs} tick={tick} />
          ))}
        </div>
      )}
      <h2>Suggested SLOs</h2>
      {message ? <div className="muted" data-testid="slo-message">{message}</div> : null}
      {suggestions.error ? <ErrorState pendingRoute error={suggestions.error} what="suggested SLOs" /> : suggestions.data === undefined ? <Loading what="suggestions" /> : suggested.length === 0 ? <Empty>No suggestions.</Empty> : (
        <table className="data" data-testid="slo-suggestions">
          <thead>
            <tr>
              <th>Service</th>
              <th>SLI</th>
              <th className="num">Objective</th>
              <th>Why</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {suggested.map((s, i) => (
              <tr key={i}>
                <td>{s.service}</td>
                <td>
                  {s.sli}
                  {s.thresholdMs ? ` ≤ ${s.thresholdMs} ms` : ''}
                </td>
                <td className="num">{s.objective}%</td>
                <td className="muted">{s.reason ?? ''}</td>
                <td>
                  <button type="button" onClick={() => create(s)} data-testid="slo-create">
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
