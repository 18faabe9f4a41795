/**
 * The evaluator end to end on the embedded engine, with local receivers standing in for
 * PagerDuty, Slack and a webhook, and a fake clock ticking every 30 s:
 * - a service's error rate rises until the page (1h and 5m burn > 14.4) fires: PagerDuty gets
 *   exactly one trigger, at the tick the test's own burn arithmetic says, and exactly one
 *   resolve once the errors stop, with the same dedup_key; two replicas tick together the whole
 *   time and nothing is sent twice;
 * - a webhook that answers 500, 500, then 200 gets the alert once it recovers, every attempt
 *   recorded, signed, with one event id;
 * - a for-duration holds across an evaluator restart; two evaluators sharing an instance id
 *   (both leading) still notify once; a silence suppresses; a private destination is refused
 *   at fire time.
 */
import { createHash, createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, createSelfMetrics } from '@periscope/runtime'
import type { SpanRow } from '@periscope/model'
import { openHarness, type Harness } from '../testing/harness.ts'
import type { ApiInstance } from '../routes/route-module.ts'
import type { AlertsResponse, AlertRule, Channel } from '../schemas/alerting.ts'
import type { Slo } from '../schemas/slos.ts'
import { alertingConfig, evaluatorFromConfig, type Evaluator } from '../evaluator/index.ts'
import { countIn, errorLogs, traffic } from './testing/traffic.ts'
import { startReceiver, type Receiver } from './testing/receiver.ts'
import { compareAndSet } from './versioned-cas.ts'

const MINUTE_NS = 60_000_000_000n
const NS = 1_000_000n
const STEP_MS = 30_000
// a minute boundary half an hour ago: the incident and its aftermath run to about now
const T0_MS = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000
const t0Ns = BigInt(T0_MS) * NS
const INCIDENT = { fromNs: t0Ns + 2n * MINUTE_NS, toNs: t0Ns + 8n * MINUTE_NS }
// ticks from T0 + 2 min (the incident's start) to T0 + 15 min: both alerts fire and resolve in between
const FIRST_STEP = 4
const STEPS = 30

// checkout: one request a second for 6 hours before T0 and 25 minutes after; a fifth of them
// fail during the incident
const checkout = traffic({
  tenantId: 'acme',
  service: 'checkout',
  fromNs: t0Ns - 360n * MINUTE_NS,
  toNs: t0Ns + 25n * MINUTE_NS,
  perMinute: 60,
  fails: (t, i) => t >= INCIDENT.fromNs && t < INCIDENT.toNs && i % 5 === 0,
})

let harness: Harness
let app: ApiInstance
let editor: { authorization: string }
let pagerduty: Receiver
let slack: Receiver
let webhook: Receiver
let nowMs = T0_MS
const clock = { nowMs: () => nowMs }
const logger = createLogger({ service: 'evaluator-test', level: 'silent' })
const WEBHOOK_SECRET = 'whsec-0123456789abcdef'

function evaluator(instanceId: string, overrides: { allow?: string[]; backoffMs?: number } = {}): Evaluator {
  const config = alertingConfig({
    evaluator: { instanceId, intervalMs: STEP_MS },
    delivery: { initialBackoffMs: overrides.backoffMs ?? 10, maxBackoffMs: overrides.backoffMs ?? 40, timeoutMs: 2000 },
    ssrf: { allow: overrides.allow ?? ['127.0.0.1'] },
    links: { uiBaseUrl: 'http://ui.test', exampleTraces: 2 },
  })
  return evaluatorFromConfig(config, { store: harness.store, logger, clock, metrics: createSelfMetrics({ service: `evaluator-${instanceId}`, defaultMetrics: false }) })
}

const api = async <T>(method: 'GET' | 'POST', url: string, payload?: object): Promise<T> => {
  const response = await app.inject({ method, url: `/api/v1${url}`, headers: editor, ...(payload ? { payload } : {}) })
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`)
  return response.json<T>()
}

beforeAll(async () => {
  harness = await openHarness('evaluator')
  await harness.store.insert('otel_traces', checkout)
  // PagerDuty fails the first trigger once: the retry carries the same dedup_key
  pagerduty = await startReceiver((n) => (n === 1 ? { status: 500 } : { status: 202, body: '{"status":"success"}' }))
  slack = await startReceiver(() => ({ status: 200, body: 'ok' }))
  webhook = await startReceiver((n) => ({ status: n <= 2 ? 500 : 200 }))
  app = await harness.app({ clock, config: { alerting: { ssrf: { allow: ['127.0.0.1'] } } } })
  editor = await harness.token('acme', 'editor')
})

afterAll(async () => {
  await Promise.all([pagerduty?.close(), slack?.close(), webhook?.close()])
  await harness?.close()
})

/** The page condition computed from the spans by the test itself. */
function pageActiveAt(tMs: number): boolean {
  const tNs = BigInt(tMs) * NS
  const burn = (minutes: bigint) => {
    const c = countIn(checkout, tNs - minutes * MINUTE_NS, tNs)
    return c.bad / c.total / 0.001
  }
  return (burn(60n) > 14.4 && burn(5n) > 14.4) || (burn(360n) > 6 && burn(30n) > 6)
}

function errorRateActiveAt(tMs: number): boolean {
  const tNs = BigInt(tMs) * NS
  const c = countIn(checkout, tNs - 5n * MINUTE_NS, tNs)
  return c.bad / c.total > 0.1
}

/** First step at which `active` holds, and the first after it at which it does not. */
function expectedSteps(active: (tMs: number) => boolean): { fire: number; resolve: number } {
  let fire = -1
  for (let k = FIRST_STEP; k < STEPS; k++) {
    const on = active(T0_MS + k * STEP_MS)
    if (fire < 0 && on) fire = k
    if (fire >= 0 && !on) return { fire, resolve: k }
  }
  throw new Error('the scenario neither fires nor resolves within its steps')
}

describe('a rising error rate pages once and resolves once', () => {
  let slo: Slo
  let pageRule: AlertRule
  let rateRule: AlertRule
  const arrivals = { pagerduty: [] as number[], webhook: [] as number[] }
  const leaders: string[] = []

  beforeAll(async () => {
    slo = await api<Slo>('POST', '/slos', { name: 'Checkout availability', service: 'checkout', sli: 'availability', objective: 99.9 })
    const pd = await api<Channel>('POST', '/channels', { name: 'pager', type: 'pagerduty', config: { routingKey: 'R0UTINGKEY0000000000000000000000', url: `${pagerduty.url}/v2/enqueue` } })
    const chat = await api<Channel>('POST', '/channels', { name: 'chat', type: 'slack', config: { url: `${slack.url}/services/T0/B0/XYZ` } })
    const hook = await api<Channel>('POST', '/channels', { name: 'hook', type: 'webhook', config: { url: `${webhook.url}/hook`, secret: WEBHOOK_SECRET } })
    pageRule = await api<AlertRule>('POST', '/alert-rules', { name: 'Checkout burn', severity: 'page', condition: { type: 'slo_burn', sloId: slo.id }, channelIds: [pd.id, chat.id] })
    rateRule = await api<AlertRule>('POST', '/alert-rules', { name: 'Checkout errors', severity: 'ticket', condition: { type: 'error_rate', window: '5m', above: 0.1 }, channelIds: [hook.id] })

    const a = evaluator('replica-a')
    const b = evaluator('replica-b')
    for (let k = FIRST_STEP; k < STEPS; k++) {
      nowMs = T0_MS + k * STEP_MS
      const [ra, rb] = await Promise.all([a.tick(), b.tick()])
      await Promise.all([a.idle(), b.idle()])
      leaders.push(ra.leader && rb.leader ? 'both' : ra.leader ? 'a' : rb.leader ? 'b' : 'none')
      while (arrivals.pagerduty.length < pagerduty.requests.length) arrivals.pagerduty.push(k)
      while (arrivals.webhook.length < webhook.requests.length) arrivals.webhook.push(k)
    }
    await Promise.all([a.stop(), b.stop()])
  })

  it('stores the page rule with the SRE-workbook conditions', () => {
    expect(pageRule.condition).toEqual({
      type: 'slo_burn',
      sloId: slo.id,
      conditions: [
        { long: '1h', short: '5m', burnRate: 14.4 },
        { long: '6h', short: '30m', burnRate: 6 },
      ],
    })
  })

  it('has exactly one leader at every tick', () => {
    expect(leaders.every((l) => l === 'a' || l === 'b')).toBe(true)
  })

  it('gets PagerDuty exactly one trigger and one resolve, at the ticks the burn arithmetic says, one dedup_key across retries', async () => {
    const expected = expectedSteps(pageActiveAt)
    // the scenario is the intended one: the fast pair (1h/5m) pages, minutes into the incident
    const fireNs = BigInt(T0_MS + expected.fire * STEP_MS) * NS
    const hour = countIn(checkout, fireNs - 60n * MINUTE_NS, fireNs)
    expect(hour.bad / hour.total / 0.001).toBeGreaterThan(14.4)
    expect(expected.fire).toBeGreaterThan(FIRST_STEP)

    // the first trigger attempt got a 500 and was retried: one trigger accepted, then one resolve
    const events = pagerduty.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>)
    expect(events.map((e) => e.event_action)).toEqual(['trigger', 'trigger', 'resolve'])
    expect(arrivals.pagerduty).toEqual([expected.fire, expected.fire, expected.resolve])
    const dedupKey = createHash('sha256').update(`acme\u0000${pageRule.id}\u0000\u0000`).digest('hex')
    expect(events.map((e) => e.dedup_key)).toEqual([dedupKey, dedupKey, dedupKey])
    expect(events[1]).toEqual(events[0])
    const [alert] = (await api<AlertsResponse>('GET', `/alerts?ruleId=${pageRule.id}&from=${T0_MS}&to=${T0_MS + STEPS * STEP_MS}`)).alerts
    const toPager = alert!.notifications.filter((n) => n.channelName === 'pager').map((n) => [n.event, n.attempt, n.status, n.httpStatus])
    expect(toPager).toEqual([
      ['firing', 1, 'retrying', 500],
      ['firing', 2, 'sent', 202],
      ['resolved', 1, 'sent', 202],
    ])
    expect(events[0]).toMatchObject({ routing_key: 'R0UTINGKEY0000000000000000000000', payload: { severity: 'critical', source: 'checkout', component: 'checkout' } })
    expect(pagerduty.requests[0]!.path).toBe('/v2/enqueue')
  })

  it('tells Slack the service, burn rate and budget left, with links to the service and to failing traces', () => {
    expect(slack.requests).toHaveLength(2)
    const firing = JSON.parse(slack.requests[0]!.body) as { text: string; blocks: unknown[] }
    const text = JSON.stringify(firing.blocks)
    expect(text).toContain('*Service*\\ncheckout')
    expect(text).toMatch(/\*Burn rate\*\\n\d+\.\d× \(1h\/5m\)/)
    expect(text).toMatch(/\*Budget left\*\\n-?\d+\.\d %/)
    expect(text).toContain('<http://ui.test/services/checkout|checkout service page>')
    const linked = [...text.matchAll(/http:\/\/ui\.test\/traces\/([0-9a-f]{32})/g)].map((m) => m[1]!)
    expect(linked.length).toBeGreaterThan(0)
    const failing = new Set(checkout.filter((s: SpanRow) => s.StatusCode === 'STATUS_CODE_ERROR').map((s) => s.TraceId))
    for (const traceId of linked) expect(failing.has(traceId)).toBe(true)
    expect(JSON.parse(slack.requests[1]!.body).text).toContain('[RESOLVED]')
  })

  it('delivers to a webhook that answers 500, 500, 200 once it recovers, signed, every attempt recorded', async () => {
    const expected = expectedSteps(errorRateActiveAt)
    expect(arrivals.webhook).toEqual([expected.fire, expected.fire, expected.fire, expected.resolve])
    const bodies = webhook.requests.map((r) => JSON.parse(r.body) as { status: string; eventId: string })
    expect(bodies.map((b) => b.status)).toEqual(['firing', 'firing', 'firing', 'resolved'])
    expect(new Set(webhook.requests.slice(0, 3).map((r) => r.headers['x-periscope-event-id']))).toEqual(new Set([bodies[0]!.eventId]))
    for (const r of webhook.requests) {
      const signature = 'sha256=' + createHmac('sha256', WEBHOOK_SECRET).update(`${String(r.headers['x-periscope-timestamp'])}.${r.body}`).digest('hex')
      expect(r.headers['x-periscope-signature']).toBe(signature)
    }

    const alerts = await api<AlertsResponse>('GET', `/alerts?ruleId=${rateRule.id}&from=${T0_MS}&to=${T0_MS + STEPS * STEP_MS}`)
    expect(alerts.alerts).toHaveLength(1)
    const alert = alerts.alerts[0]!
    expect(alert).toMatchObject({ id: bodies[0]!.eventId, state: 'resolved', ruleName: 'Checkout errors', labels: { service: 'checkout' }, alertKey: '{"service":"checkout"}', silenced: false })
    expect(alert.notifications.map((n) => [n.event, n.attempt, n.status, n.httpStatus, n.channelName])).toEqual([
      ['firing', 1, 'retrying', 500, 'hook'],
      ['firing', 2, 'retrying', 500, 'hook'],
      ['firing', 3, 'sent', 200, 'hook'],
      ['resolved', 1, 'sent', 200, 'hook'],
    ])
    expect(alert.startsAt).toBe(new Date(T0_MS + expected.fire * STEP_MS).toISOString())
    expect(alert.endsAt).toBe(new Date(T0_MS + expected.resolve * STEP_MS).toISOString())
  })
})

describe('for-duration, restarts, shared instance ids, silences, refused destinations, resumed deliveries', () => {
  const T1_MS = T0_MS + 25 * 60_000
  let pd: Receiver
  let orders: Receiver
  let billingRule: AlertRule
  let ledgerRule: AlertRule
  let privateRule: AlertRule
  let ordersRule: AlertRule
  let pagerChannel: Channel

  beforeAll(async () => {
    pd = await startReceiver(() => ({ status: 202 }))
    orders = await startReceiver((n) => ({ status: n === 1 ? 503 : 200 }))
    // 20 error logs a minute for five minutes, in billing and in ledger and in audit
    const times = Array.from({ length: 100 }, (_, i) => BigInt(T1_MS) * NS + BigInt(i) * 3_000_000_000n + 1_000n)
    await harness.store.insert('otel_logs', [...errorLogs('acme', 'billing', times), ...errorLogs('acme', 'ledger', times), ...errorLogs('acme', 'audit', times)])
    nowMs = T1_MS
    const channel = await api<Channel>('POST', '/channels', { name: 'pager 2', type: 'pagerduty', config: { routingKey: 'K2', url: pd.url } })
    pagerChannel = channel
    const condition = (service: string) => ({ type: 'error_logs', service, window: '1m', above: 5 })
    billingRule = await api<AlertRule>('POST', '/alert-rules', { name: 'Billing errors', severity: 'page', condition: condition('billing'), channelIds: [channel.id], forSeconds: 60, labels: { team: 'money' } })
    ledgerRule = await api<AlertRule>('POST', '/alert-rules', { name: 'Ledger errors', severity: 'page', condition: condition('ledger'), channelIds: [channel.id] })
    await api('POST', '/silences', { matchers: [{ label: 'service', op: '=', value: 'ledger' }], endsAt: new Date(T1_MS + 3_600_000).toISOString(), comment: 'maintenance' })
    // a channel saved while 10/8 was allowed, now pointing at a private address
    await harness.store.insert('channels', [
      { TenantId: 'acme', ChannelId: '00000000-0000-4000-8000-000000000001', Name: 'internal', Kind: 'webhook', Config: JSON.stringify({ url: 'http://10.255.255.1/hook', secret: WEBHOOK_SECRET }), CreatedAt: 1n, UpdatedAt: 1n, Version: 1n },
    ])
    privateRule = await api<AlertRule>('POST', '/alert-rules', { name: 'Audit errors', severity: 'ticket', condition: condition('audit'), channelIds: ['00000000-0000-4000-8000-000000000001'] })
    // orders logs errors from +3 min on
    const later = Array.from({ length: 60 }, (_, i) => BigInt(T1_MS + 180_000) * NS + BigInt(i) * 3_000_000_000n + 1_000n)
    await harness.store.insert('otel_logs', errorLogs('acme', 'orders', later))
    const hook = await api<Channel>('POST', '/channels', { name: 'orders hook', type: 'webhook', config: { url: `${orders.url}/h`, secret: WEBHOOK_SECRET } })
    ordersRule = await api<AlertRule>('POST', '/alert-rules', { name: 'Orders errors', severity: 'ticket', condition: condition('orders'), channelIds: [hook.id] })
  })

  afterAll(async () => {
    await Promise.all([pd?.close(), orders?.close()])
  })

  it('holds a pending series across a restart and fires after its for-duration, once, with replicas sharing an id', async () => {
    const first = evaluator('shared')
    nowMs = T1_MS + 30_000
    // billing goes pending; ledger and audit (no for-duration) fire at once
    expect((await first.tick()).transitions).toEqual({ pending: 1, firing: 2, resolved: 0, cleared: 0 })
    await first.idle()
    await first.stop()

    // two evaluators with the same instance id both hold the lease: transitions and deliveries are still decided once
    const second = evaluator('shared')
    const third = evaluator('shared')
    const fired: number[] = []
    for (const offset of [60_000, 90_000, 120_000, 150_000]) {
      nowMs = T1_MS + offset
      const results = await Promise.all([second.tick(), third.tick()])
      await Promise.all([second.idle(), third.idle()])
      expect(results.every((r) => r.leader)).toBe(true)
      fired.push(results.reduce((n, r) => n + r.transitions.firing, 0))
    }
    await Promise.all([second.stop(), third.stop()])
    // pending since +30 s, for 60 s: fires at the +90 s tick, not at +60 s
    const billingFirings = (await api<AlertsResponse>('GET', `/alerts?ruleId=${billingRule.id}`)).alerts
    expect(billingFirings).toHaveLength(1)
    expect(billingFirings[0]).toMatchObject({ state: 'firing', startsAt: new Date(T1_MS + 90_000).toISOString(), labels: { team: 'money', service: 'billing', severity: 'page' } })
    const triggers = pd.requests.map((r) => JSON.parse(r.body) as { dedup_key: string; payload: { summary: string } })
    expect(triggers).toHaveLength(1)
    expect(triggers[0]!.dedup_key).toBe(createHash('sha256').update(`acme\u0000${billingRule.id}\u0000\u0000`).digest('hex'))
    expect(triggers[0]!.payload.summary).toMatch(/^billing: \d+ log records/)
    // both evaluators led every tick, yet billing's firing was decided once, at +90 s
    expect(fired).toEqual([0, 1, 0, 0])
  })

  it('records a silenced alert without notifying it', async () => {
    const ledger = (await api<AlertsResponse>('GET', `/alerts?ruleId=${ledgerRule.id}`)).alerts
    expect(ledger).toHaveLength(1)
    expect(ledger[0]).toMatchObject({ state: 'firing', silenced: true, notifications: [] })
    expect(pd.requests.every((r) => !r.body.includes(ledgerRule.id))).toBe(true)
  })

  it('refuses a private destination when the alert fires: one failed attempt, no retry', async () => {
    const audit = (await api<AlertsResponse>('GET', `/alerts?ruleId=${privateRule.id}`)).alerts
    expect(audit).toHaveLength(1)
    expect(audit[0]!.notifications).toHaveLength(1)
    expect(audit[0]!.notifications[0]).toMatchObject({ attempt: 1, status: 'failed', httpStatus: 0, channelName: 'internal' })
    expect(audit[0]!.notifications[0]!.error).toMatch(/destination refused: .*10\.255\.255\.1, a private address/)
  })

  it('resumes a delivery its evaluator abandoned when stopping, continuing the attempt count', async () => {
    const stopping = evaluator('stopping', { backoffMs: 600_000 })
    nowMs = T1_MS + 210_000
    expect((await stopping.tick()).transitions.firing).toBe(1)
    // the first attempt got a 503; the delivery now waits ten minutes for its retry
    // wait for the evaluator to have RECORDED that attempt, not just for the receiver to see it:
    // stopping while the 503 is still on its way back would abandon the attempt unanswered
    const recordedAttempts = async () => (await api<AlertsResponse>('GET', `/alerts?ruleId=${ordersRule.id}`)).alerts[0]?.notifications.length ?? 0
    for (let i = 0; i < 300 && (await recordedAttempts()) < 1; i++) await new Promise((r) => setTimeout(r, 10))
    expect(orders.requests).toHaveLength(1)
    await stopping.stop()

    const next = evaluator('next')
    nowMs = T1_MS + 240_000
    expect((await next.tick()).redriven).toBe(1)
    await next.idle()
    await next.stop()
    expect(orders.requests).toHaveLength(2)
    expect(new Set(orders.requests.map((r) => r.headers['x-periscope-event-id'])).size).toBe(1)
    const [alert] = (await api<AlertsResponse>('GET', `/alerts?ruleId=${ordersRule.id}`)).alerts
    expect(alert!.notifications.map((n) => [n.attempt, n.status, n.httpStatus])).toEqual([
      [1, 'retrying', 503],
      [2, 'sent', 200],
    ])
  })

  it('resolves the alerts of a rule that is disabled, notifying the resolve once', async () => {
    const current = await app.inject({ method: 'GET', url: `/api/v1/alert-rules/${billingRule.id}`, headers: editor })
    const rule = current.json<AlertRule>()
    const put = await app.inject({
      method: 'PUT',
      url: `/api/v1/alert-rules/${billingRule.id}`,
      headers: { ...editor, 'if-match': current.headers.etag as string },
      payload: { name: rule.name, severity: rule.severity, condition: rule.condition, channelIds: rule.channelIds, forSeconds: rule.forSeconds, labels: rule.labels, enabled: false },
    })
    expect(put.statusCode).toBe(200)
    const last = evaluator('last')
    nowMs = T1_MS + 270_000
    expect((await last.tick()).transitions.resolved).toBe(1)
    await last.idle()
    nowMs = T1_MS + 300_000
    expect((await last.tick()).transitions.resolved).toBe(0)
    await last.stop()
    const actions = pd.requests.map((r) => JSON.parse(r.body) as { event_action: string; dedup_key: string })
    expect(actions.map((a) => a.event_action)).toEqual(['trigger', 'resolve'])
    expect(actions[1]!.dedup_key).toBe(actions[0]!.dedup_key)
    const [alert] = (await api<AlertsResponse>('GET', `/alerts?ruleId=${billingRule.id}`)).alerts
    expect(alert).toMatchObject({ state: 'resolved', endsAt: new Date(T1_MS + 270_000).toISOString() })
  })

  it('writes and sends the event of a transition whose evaluator died right after deciding it', async () => {
    const times = Array.from({ length: 40 }, (_, i) => BigInt(T1_MS + 300_000) * NS + BigInt(i) * 3_000_000_000n + 1_000n)
    await harness.store.insert('otel_logs', errorLogs('acme', 'payments', times))
    const rule = await api<AlertRule>('POST', '/alert-rules', { name: 'Payments errors', severity: 'page', condition: { type: 'error_logs', service: 'payments', window: '1m', above: 5 }, channelIds: [pagerChannel.id] })
    // the state of a firing, as an evaluator writes it just before it would write the event
    const runner = { rows: async <T>(q: { sql: string; params: Record<string, unknown> }) => (await (await harness.store.client.query({ query: q.sql, query_params: q.params, format: 'JSONEachRow' })).json()) as T[] }
    const won = await compareAndSet(
      { store: harness.store, runner },
      { table: 'alert_state', tenantId: 'acme', key: [rule.id, ''], version: 1, writer: 'crashed/0', columns: { State: 'firing', Since: BigInt(T1_MS + 330_000) * NS, LastEvaluatedAt: BigInt(T1_MS + 330_000) * NS, Value: 10 } },
    )
    expect(won).toBe(true)
    const recovering = evaluator('recovering')
    nowMs = T1_MS + 360_000
    const result = await recovering.tick()
    await recovering.idle()
    await recovering.stop()
    expect(result.transitions.firing).toBe(0)
    const dedupKey = createHash('sha256').update(`acme\u0000${rule.id}\u0000\u0000`).digest('hex')
    const triggers = pd.requests.map((r) => JSON.parse(r.body) as { event_action: string; dedup_key: string }).filter((e) => e.dedup_key === dedupKey)
    expect(triggers.map((t) => t.event_action)).toEqual(['trigger'])
    const [alert] = (await api<AlertsResponse>('GET', `/alerts?ruleId=${rule.id}`)).alerts
    expect(alert).toMatchObject({ state: 'firing', notifications: [{ attempt: 1, status: 'sent' }] })
  })
})
