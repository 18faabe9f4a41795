/**
 * What the hostile tenant's users write through the query API's own routes once it is up:
 * SLOs, notification channels, alert rules and dashboards whose every name is a payload. The
 * short payloads are taken three at a time (name, service, operation), so each list page shows
 * every short payload; the boards are one per short payload (the tabs), the first with a panel
 * of every non-metric kind (text, services, operations, signals, traces, logs) titled with
 * payloads, the second with a metric panel per hostile gauge grouped by its hostile label.
 */
import type { AlertRule, Channel, Dashboard, Slo } from '@periscope/query-api/api'
import { BUSY_SERVICE } from './xss-seed-data.ts'
import { SHORT_PAYLOADS, XSS_PAYLOADS } from './xss-payloads.ts'

export interface XssApiSeed {
  slos: Slo[]
  channels: Channel[]
  rules: AlertRule[]
  boards: Dashboard[]
  /** the board with the non-metric panels, and the one with the metric panels */
  namesBoard: Dashboard
  metricsBoard: Dashboard
}

/** short payloads in groups of three, wrapping, so every one is a name in some group */
export function triples(): [string, string, string][] {
  const n = SHORT_PAYLOADS.length
  const out: [string, string, string][] = []
  for (let i = 0; i < n; i += 3) out.push([SHORT_PAYLOADS[i]!.text, SHORT_PAYLOADS[(i + 1) % n]!.text, SHORT_PAYLOADS[(i + 2) % n]!.text])
  return out
}

async function send<T>(apiUrl: string, token: string, method: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${apiUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`)
  return JSON.parse(text) as T
}

/** metric panels group by the gauge's label, and groupBy is a comma list: only comma-free names */
export const METRIC_PANEL_PAYLOADS = SHORT_PAYLOADS.filter((p) => !p.text.includes(','))

/** the text panel: every payload (the long one too: ~12 of the 20,000 characters allowed) */
export const TEXT_PANEL = XSS_PAYLOADS.map((p) => p.text).join(' | ')

export async function seedXssThroughApi(apiUrl: string, token: string, receiverUrl: string): Promise<XssApiSeed> {
  const post = <T>(path: string, body: unknown) => send<T>(apiUrl, token, 'POST', path, body)
  const slos: Slo[] = []
  const channels: Channel[] = []
  const rules: AlertRule[] = []
  for (const [name, service, operation] of triples()) {
    slos.push(await post<Slo>('/slos', { name, description: service, service, operation, sli: 'availability', objective: 99, windowDays: 7 }))
    channels.push(await post<Channel>('/channels', { name, type: 'webhook', config: { url: `${receiverUrl}?p=${encodeURIComponent(service)}`, secret: 'xss-webhook-secret-0123456789' } }))
    rules.push(await post<AlertRule>('/alert-rules', { name, severity: 'page', condition: { type: 'error_rate', service, operation, window: '5m', above: 0.5 }, channelIds: [channels.at(-1)!.id], enabled: false }))
  }
  // a burn-rate rule names its SLO
  rules.push(await post<AlertRule>('/alert-rules', { name: SHORT_PAYLOADS[1]!.text, severity: 'ticket', condition: { type: 'slo_burn', sloId: slos[0]!.id }, channelIds: channels.map((c) => c.id).slice(0, 3), enabled: false }))

  const layout = (i: number) => ({ x: (i % 2) * 12, y: Math.floor(i / 2) * 4, w: 12, h: 4 })
  const titles = triples().map((t) => t[0])
  const namesPanels = [
    { title: titles[0], type: 'text', query: { source: 'text', markdown: TEXT_PANEL } },
    { title: titles[1], type: 'table', query: { source: 'services' } },
    { title: titles[2], type: 'table', query: { source: 'operations', service: BUSY_SERVICE } },
    { title: titles[3], type: 'timeseries', query: { source: 'signals', service: BUSY_SERVICE, signals: ['rps', 'p99Ms'] } },
    { title: titles[4], type: 'traces', query: { source: 'traces', service: BUSY_SERVICE } },
    { title: titles[5], type: 'bar', query: { source: 'logs', q: SHORT_PAYLOADS[0]!.text } },
  ].map((p, i) => ({ id: `p${i}`, ...p, layout: layout(i) }))
  const metricPanels = METRIC_PANEL_PAYLOADS.map((p, i) => ({ id: `m${i}`, title: p.text, type: 'timeseries', query: { source: 'metrics', name: p.text, aggregation: 'avg', groupBy: [p.text] }, layout: layout(i) }))

  const boards: Dashboard[] = []
  for (const [i, p] of SHORT_PAYLOADS.entries()) {
    const panels = i === 0 ? namesPanels : i === 1 ? metricPanels : []
    boards.push(await post<Dashboard>('/dashboards', { name: p.text, description: p.text, tags: ['xss'], panels }))
  }
  return { slos, channels, rules, boards, namesBoard: boards[0]!, metricsBoard: boards[1]! }
}
