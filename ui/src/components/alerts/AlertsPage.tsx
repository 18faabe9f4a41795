'use client'
/**
 * Alerts: firing alerts, history, rules and notification channels (with a test send). Reads
 * /alerts, /alert-rules and /channels; POST /channels/:id/test sends a test notification.
 */
import { useState, type ReactNode } from 'react'
import { apiFetch, apiPath } from '../../api/client.ts'
import type { AlertEvent, AlertRule, Channel } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { useTimeRange } from '../../lib/use-time-range.ts'
import { Empty, ErrorState, Loading } from '../layout/StateViews.tsx'
import { listOf } from '../slos/slo-list.ts'

function Section<T>({ title, state, keyName, what, children }: { title: string; state: { data: unknown; error?: { status: number; message: string } | undefined; loading: boolean }; keyName: string; what: string; children: (items: T[]) => ReactNode }) {
  const items = listOf<T>(state.data, keyName)
  return (
    <>
      <h2>{title}</h2>
      {state.error ? <ErrorState pendingRoute error={state.error} what={what} /> : state.data === undefined ? <Loading what={what} /> : items.length === 0 ? <Empty>No {what}.</Empty> : children(items)}
    </>
  )
}

function AlertTable({ alerts, testid }: { alerts: AlertEvent[]; testid: string }) {
  return (
    <table className="data" data-testid={testid}>
      <thead>
        <tr>
          <th>State</th>
          <th>Rule</th>
          <th>Severity</th>
          <th>Since</th>
          <th>Until</th>
          <th>Summary</th>
          <th>Notifications</th>
        </tr>
      </thead>
      <tbody>
        {alerts.map((a) => (
          <tr key={a.id}>
            <td>
              <span className={`pill ${a.state}`}>{a.state}</span>
            </td>
            <td>{a.ruleName ?? a.ruleId ?? '–'}</td>
            <td className={a.severity === 'page' || a.severity === 'critical' ? 'bad' : undefined}>{a.severity ?? '–'}</td>
            <td className="mono">{a.startsAt}</td>
            <td className="mono">{a.endsAt ?? '–'}</td>
            <td style={{ whiteSpace: 'normal' }}>{a.summary ?? ''}</td>
            <td className="muted">{(a.notifications ?? []).map((n) => `${n.channel}: ${n.status}`).join(', ') || '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function AlertsPage() {
  const { tick } = useTimeRange()
  const alerts = useApi<unknown>(apiPath('/alerts'), tick)
  const rules = useApi<unknown>(apiPath('/alert-rules'), tick)
  const channels = useApi<unknown>(apiPath('/channels'), tick)
  const [sent, setSent] = useState<Record<string, string>>({})
  const all = listOf<AlertEvent>(alerts.data, 'alerts')
  const firing = all.filter((a) => a.state === 'firing')
  const history = all.filter((a) => a.state !== 'firing')
  const test = async (channel: Channel) => {
    setSent((s) => ({ ...s, [channel.id]: 'sending…' }))
    const result = await apiFetch<unknown>(apiPath(`/channels/${encodeURIComponent(channel.id)}/test`), { method: 'POST', body: {} })
    setSent((s) => ({ ...s, [channel.id]: result.ok ? 'sent ✓' : `failed: ${result.message}` }))
  }
  return (
    <div data-testid="page-alerts">
      <h1>Alerts</h1>
      <h2>Firing</h2>
      {alerts.error ? <ErrorState pendingRoute error={alerts.error} what="alerts" /> : alerts.data === undefined ? <Loading what="alerts" /> : firing.length === 0 ? <Empty>Nothing is firing.</Empty> : <AlertTable alerts={firing} testid="alerts-firing" />}
      <h2>History</h2>
      {alerts.error ? null : alerts.data === undefined ? null : history.length === 0 ? <Empty>No resolved alerts.</Empty> : <AlertTable alerts={history} testid="alerts-history" />}
      <Section<AlertRule> title="Rules" state={rules} keyName="rules" what="alert rules">
        {(items) => (
          <table className="data" data-testid="alert-rules">
            <thead>
              <tr>
                <th>Name</th>
                <th>Watches</th>
                <th>Severity</th>
                <th>Channels</th>
                <th>Enabled</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td>{r.name}</td>
                  <td className="mono">{r.sloId ? `SLO ${r.sloId}` : r.expr ?? '–'}</td>
                  <td>{r.severity ?? '–'}</td>
                  <td>{(r.channels ?? []).join(', ') || '–'}</td>
                  <td>{r.enabled === false ? 'no' : 'yes'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section<Channel> title="Channels" state={channels} keyName="channels" what="notification channels">
        {(items) => (
          <table className="data" data-testid="channels">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <td>{c.name}</td>
                  <td>{c.type}</td>
                  <td>
                    <button type="button" onClick={() => test(c)} data-testid="channel-test">
                      Send test
                    </button>{' '}
                    <span className="muted">{sent[c.id] ?? ''}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </div>
  )
}
