'use client'
/** Adding a panel: a metric query, a golden signal of a service, or a log count by severity. */
import { useState } from 'react'
import { apiPath } from '../../api/client.ts'
import { METRIC_AGGREGATIONS, type MetricNamesResponse, type Panel, type ServicesResponse, type SignalKey } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'

type Kind = 'metric' | 'signal' | 'logs'

const SIGNAL_LABELS: Partial<Record<SignalKey, string>> = { rps: 'request rate', errorRate: 'error rate', p50Ms: 'p50 latency', p95Ms: 'p95 latency', p99Ms: 'p99 latency' }

export function PanelEditor({ range, newId, onAdd, onCancel }: { range: { fromMs: number; toMs: number }; newId: string; onAdd: (panel: Panel) => void; onCancel: () => void }) {
  const [kind, setKind] = useState<Kind>('signal')
  const [title, setTitle] = useState('')
  const [metric, setMetric] = useState('')
  const [aggregation, setAggregation] = useState('')
  const [groupBy, setGroupBy] = useState('')
  const [service, setService] = useState('')
  const [signal, setSignal] = useState<SignalKey>('rps')
  const metrics = useApi<MetricNamesResponse>(kind === 'metric' ? apiPath('/metrics/names', { from: range.fromMs, to: range.toMs }) : null)
  const services = useApi<ServicesResponse>(apiPath('/services', { from: range.fromMs, to: range.toMs }))
  const valid = kind === 'metric' ? metric.trim() !== '' : kind === 'signal' ? service !== '' : true
  const build = (): Panel => {
    const layout = { x: 0, y: 10_000, w: 12, h: 4 }
    if (kind === 'metric') {
      const query: Extract<Panel['query'], { source: 'metrics' }> = { source: 'metrics', name: metric.trim() }
      if (aggregation) query.aggregation = aggregation as (typeof METRIC_AGGREGATIONS)[number]
      const groups = groupBy.split(',').map((g) => g.trim()).filter(Boolean)
      if (groups.length) query.groupBy = groups
      return { id: newId, title: title || metric, type: 'timeseries', query, layout }
    }
    if (kind === 'signal') return { id: newId, title: title || `${service} ${SIGNAL_LABELS[signal] ?? signal}`, type: 'timeseries', query: { source: 'signals', service, signals: [signal] }, layout }
    return { id: newId, title: title || `Logs by severity${service ? ` — ${service}` : ''}`, type: 'bar', query: service ? { source: 'logs', service } : { source: 'logs' }, layout }
  }
  return (
    <form
      className="panel search"
      data-testid="panel-editor"
      onSubmit={(e) => {
        e.preventDefault()
        if (valid) onAdd(build())
      }}
    >
      <label>
        Panel
        <select value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid="panel-kind">
          <option value="signal">Golden signal of a service</option>
          <option value="metric">Metric query</option>
          <option value="logs">Log count by severity</option>
        </select>
      </label>
      <label>
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} placeholder="(automatic)" data-testid="panel-title" />
      </label>
      {kind === 'metric' ? (
        <>
          <label>
            Metric
            <input list="metric-names" value={metric} onChange={(e) => setMetric(e.target.value)} size={36} data-testid="panel-metric" />
            <datalist id="metric-names">
              {metrics.data?.metrics.map((m) => (
                <option key={m.name} value={m.name}>
                  {m.kind}
                </option>
              ))}
            </datalist>
          </label>
          <label>
            Aggregation
            <select value={aggregation} onChange={(e) => setAggregation(e.target.value)}>
              <option value="">default</option>
              {METRIC_AGGREGATIONS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
          <label>
            Group by
            <input value={groupBy} onChange={(e) => setGroupBy(e.target.value)} placeholder="service.name,host.name" />
          </label>
        </>
      ) : (
        <label>
          Service
          <select value={service} onChange={(e) => setService(e.target.value)} data-testid="panel-service">
            <option value="">{kind === 'logs' ? 'all' : 'choose…'}</option>
            {services.data?.services.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {kind === 'signal' ? (
        <label>
          Signal
          <select value={signal} onChange={(e) => setSignal(e.target.value as SignalKey)} data-testid="panel-signal">
            {Object.entries(SIGNAL_LABELS).map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <button type="submit" className="primary" disabled={!valid} data-testid="panel-add">
        Add panel
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  )
}
