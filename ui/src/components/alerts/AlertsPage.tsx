'use client'
/**
 * Alerts: firing alerts, history (resolved within the last 24 h), rules and notification
 * channels (with a test send). Reads /alerts, /alert-rules, /channels and /slos (to name the
 * SLOs of burn-rate rules); POST /channels/:id/test sends a test notification.
 */
import { useState, type ReactNode } from 'react'
import { apiFetch, apiPath } from '../../api/client.ts'
import type { Alert, AlertRule, AlertRulesResponse, AlertsResponse, Channel, ChannelTestResult, ChannelsResponse, SlosResponse } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { useTimeRange } from '../../lib/use-time-range.ts'
import { Empty, ErrorState, Loading } from '../layout/StateViews.tsx'
import { listOf } from '../slos/slo-list.ts'
import { describeCondition } from './rule-condition.ts'

function Section<T>({ title, state, keyName, what, children }: { title: string; state: { data: unknown; error?: { status: number; message: string } | undefined; loading: boolean }; keyName: string; what: string; children: (items: T[]) => ReactNode }) {
  const items = listOf<T>(state.data, keyName)
  return (
    <>
      <h2>{title}</h2>
      {state.error ? <ErrorState error={state.error} what={what} /> : state.data === undefined ? <Loading what={what} /> : items.length === 0 ? <Empty>No {what}.</Empty> : children(items)}
    </>
  )
}

function AlertTable({ alerts, testid }: { alerts: Alert[]; testid: string }) {
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
            <td>
              {a.ruleName}
              {a.labels.service ? <span className="muted"> ({a.labels.service})</span> : null}
            </td>
            <td className={a.severity === 'page' ? 'bad' : undefined}>{a.severity}</td>
            <td className="mono">{a.startsAt}</td>
            <td className="mono">{a.endsAt ?? '–'}</td>
            <td style={{ whiteSpace: 'normal' }}>{a.summary}</td>
            <td className="muted">{a.silenced ? 'silenced' : a.notifications.map((n) => `${n.channelName ?? n.channelId} ${n.event}: ${n.status}${n.attempt > 1 ? ` (attempt ${n.attempt})` : ''}`).join(', ') || '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function AlertsPage() {
  const { tick } = useTimeRange()
  const alerts = useApi<AlertsResponse>(apiPath('/alerts'), tick)
  const rules = useApi<AlertRulesResponse>(apiPath('/alert-rules'), tick)
  const channels = useApi<ChannelsResponse>(apiPath('/channels'), tick)
  const slos = useApi<SlosResponse>(apiPath('/slos'), tick)
  const [sent, setSent] = useState<Record<string, string>>({})
  const all = alerts.data?.alerts ?? []
  const channelName = (id: string) => channels.data?.channels.find((c) => c.id === id)?.name ?? id
  const sloName = (id: string) => slos.data?.slos.find((s) => s.id === id)?.name
  const firing = all.filter((a) => a.state === 'firing')
  const history = all.filter((a) => a.state !== 'firing')
  const test = async (channel: Channel) => {
    setSent((s) => ({ ...s, [channel.id]: 'sending…' }))
    const result = await apiFetch<ChannelTestResult>(apiPath(`/channels/${encodeURIComponent(channel.id)}/test`), { method: 'POST', body: {} })
    const text = !result.ok ? `failed: ${result.message}` : result.data.status === 'sent' ? `sent ✓ (HTTP ${result.data.httpStatus})` : `failed: ${result.data.error || `HTTP ${result.data.httpStatus}`}`
    setSent((s) => ({ ...s, [channel.id]: text }))
  }
  return (
    <div data-testid="page-alerts">
      <h1>Alerts</h1>
      <h2>Firing</h2>
      {alerts.error ? <ErrorState error={alerts.error} what="alerts" /> : alerts.data === undefined ? <Loading what="alerts" /> : firing.length === 0 ? <Empty>Nothing is firing.</Empty> : <AlertTable alerts={firing} testid="alerts-firing" />}
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
                <th className="num">For</th>
                <th>Channels</th>
                <th>Enabled</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td>{r.name}</td>
                  <td>{describeCondition(r.condition, sloName)}</td>
                  <td className={r.severity === 'page' ? 'bad' : undefined}>{r.severity}</td>
                  <td className="num">{r.forSeconds > 0 ? `${r.forSeconds}s` : '–'}</td>
                  <td>{r.channelIds.map(channelName).join(', ') || '–'}</td>
                  <td>{r.enabled ? 'yes' : 'no'}</td>
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
                <th>Destination</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <td>{c.name}</td>
                  <td>{c.type}</td>
                  <td className="mono muted">{typeof c.config.url === 'string' ? c.config.url : '–'}</td>
                  <td>
                    <button type="button" onClick={() => test(c)} data-testid="channel-test">
                      Send test
                    </button>{' '}
                    <span className="muted" data-testid="channel-test-result">{sent[c.id] ?? ''}</span>
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
