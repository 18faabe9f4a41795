/**
 * Alert rules, channels and silences through the API on the embedded engine: validation beyond
 * the schemas, roles, tenant isolation, secrets never answered, the SSRF guard when a channel is
 * saved and when a test message is sent (and the test message itself, signed, to a local
 * receiver), silences expiring on DELETE.
 */
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openHarness, type Harness } from '../testing/harness.ts'
import { startReceiver, type Receiver } from '../alerts/testing/receiver.ts'
import type { AlertRule, Channel, Silence } from '../schemas/alerting.ts'
import type { Slo } from '../schemas/slos.ts'
import type { ApiInstance } from './route-module.ts'

const NOW_MS = Date.UTC(2026, 5, 1, 12, 0, 0)
const SECRET = 'test-secret-0123456789'

let harness: Harness
let open: ApiInstance
let strict: ApiInstance
let receiver: Receiver
let editor: { authorization: string }
let viewer: { authorization: string }
let globex: { authorization: string }

beforeAll(async () => {
  harness = await openHarness('alerting-routes')
  receiver = await startReceiver((n) => ({ status: n === 1 ? 200 : 503 }))
  const clock = { nowMs: () => NOW_MS }
  open = await harness.app({ clock, config: { alerting: { ssrf: { allow: ['127.0.0.1'] } } } })
  strict = await harness.app({ clock })
  editor = await harness.token('acme', 'editor')
  viewer = await harness.token('acme', 'viewer')
  globex = await harness.token('globex', 'editor')
})

afterAll(async () => {
  await receiver?.close()
  await harness?.close()
})

const call = (app: ApiInstance, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = editor) =>
  app.inject({ method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) })

describe('channels', () => {
  let hook: Channel

  it('refuses internal destinations unless allow-listed, when saved', async () => {
    const payload = { name: 'hook', type: 'webhook', config: { url: `${receiver.url}/hook`, secret: SECRET } }
    const refused = await call(strict, 'POST', '/channels', payload)
    expect(refused.statusCode).toBe(400)
    expect(refused.json<{ detail: string }>().detail).toMatch(/destination refused: 127\.0\.0\.1 resolves to 127\.0\.0\.1, a loopback address/)
    for (const url of ['http://169.254.169.254/latest', 'http://[::1]:9/', 'http://10.0.0.1/', 'http://metadata.google.internal/', 'ftp://example.com/']) {
      const response = await call(open, 'POST', '/channels', { name: 'x', type: 'webhook', config: { url, secret: SECRET } })
      expect(response.statusCode, url).toBe(400)
    }
    const created = await call(open, 'POST', '/channels', payload)
    expect(created.statusCode).toBe(201)
    hook = created.json<Channel>()
  })

  it('never answers a secret, and keeps it when an update leaves it out', async () => {
    expect(JSON.stringify(hook)).not.toContain(SECRET)
    expect(hook.config).toEqual({ url: `${receiver.url}/hook`, secret: '…', headers: {} })
    const pd = (await call(open, 'POST', '/channels', { name: 'pd', type: 'pagerduty', config: { routingKey: 'SECRETROUTINGKEY', url: `${receiver.url}/pd` } })).json<Channel>()
    expect(pd.config).toEqual({ routingKey: 'SECR…', url: `${receiver.url}/pd` })
    const slack = (await call(open, 'POST', '/channels', { name: 'chat', type: 'slack', config: { url: `${receiver.url}/services/T/B/SECRET` } })).json<Channel>()
    expect(slack.config).toEqual({ url: `${receiver.url}/…` })
    const listed = await call(open, 'GET', '/channels', undefined, viewer)
    expect(listed.body).not.toMatch(/SECRET|test-secret/)

    const renamed = await call(open, 'PUT', `/channels/${hook.id}`, { name: 'hook 2', type: 'webhook', config: { url: `${receiver.url}/hook` } })
    expect(renamed.statusCode).toBe(200)
    expect(renamed.json<Channel>()).toMatchObject({ name: 'hook 2', createdAt: hook.createdAt })
    expect((await call(open, 'POST', '/channels', { name: 'bad', type: 'webhook', config: { url: `${receiver.url}/h`, secret: 'short' } })).statusCode).toBe(400)
    expect((await call(open, 'POST', '/channels', { name: 'bad', type: 'slack', config: { url: `${receiver.url}/h`, extra: 1 } })).statusCode).toBe(400)
  })

  it('sends a signed test message, and reports a failing destination', async () => {
    const sent = await call(open, 'POST', `/channels/${hook.id}/test`)
    expect(sent.statusCode).toBe(200)
    expect(sent.json()).toEqual({ status: 'sent', httpStatus: 200, error: '' })
    expect(receiver.requests).toHaveLength(1)
    const request = receiver.requests[0]!
    expect(request.path).toBe('/hook')
    // the secret kept across the update above still signs
    const signature = 'sha256=' + createHmac('sha256', SECRET).update(`${String(request.headers['x-periscope-timestamp'])}.${request.body}`).digest('hex')
    expect(request.headers['x-periscope-signature']).toBe(signature)
    expect(JSON.parse(request.body)).toMatchObject({ status: 'firing', test: true })

    const failed = await call(open, 'POST', `/channels/${hook.id}/test`)
    expect(failed.json()).toMatchObject({ status: 'failed', httpStatus: 503 })
    expect(receiver.requests).toHaveLength(2)
  })

  it('checks the destination again when testing: refused by an app without the allow-list', async () => {
    const refused = await call(strict, 'POST', `/channels/${hook.id}/test`)
    expect(refused.statusCode).toBe(400)
    expect(receiver.requests).toHaveLength(2)
  })

  it('keeps tenants and roles apart', async () => {
    expect((await call(open, 'GET', `/channels/${hook.id}`, undefined, globex)).statusCode).toBe(404)
    expect((await call(open, 'POST', `/channels/${hook.id}/test`, undefined, viewer)).statusCode).toBe(403)
    expect((await call(open, 'DELETE', `/channels/${hook.id}`, undefined, viewer)).statusCode).toBe(403)
  })
})

describe('alert rules', () => {
  let slo: Slo
  let channel: Channel

  beforeAll(async () => {
    slo = (await call(open, 'POST', '/slos', { name: 'Checkout', service: 'checkout', sli: 'availability', objective: 99.9 })).json<Slo>()
    channel = (await call(open, 'POST', '/channels', { name: 'pd', type: 'pagerduty', config: { routingKey: 'K', url: `${receiver.url}/pd` } })).json<Channel>()
  })

  it('fills in the severity’s burn conditions, and keeps edited ones', async () => {
    const ticket = await call(open, 'POST', '/alert-rules', { name: 'slow burn', severity: 'ticket', condition: { type: 'slo_burn', sloId: slo.id }, channelIds: [channel.id] })
    expect(ticket.statusCode).toBe(201)
    expect(ticket.json<AlertRule>()).toMatchObject({
      kind: 'slo_burn',
      enabled: true,
      forSeconds: 0,
      labels: {},
      channelIds: [channel.id],
      condition: { conditions: [{ long: '3d', short: '6h', burnRate: 1 }] },
    })
    const custom = await call(open, 'POST', '/alert-rules', { name: 'custom', severity: 'page', condition: { type: 'slo_burn', sloId: slo.id, conditions: [{ long: '2h', short: '10m', burnRate: 10 }] }, labels: { team: 'pay' }, forSeconds: 120 })
    const rule = custom.json<AlertRule>()
    expect(rule.condition).toEqual({ type: 'slo_burn', sloId: slo.id, conditions: [{ long: '2h', short: '10m', burnRate: 10 }] })
    expect(rule).toMatchObject({ labels: { team: 'pay' }, forSeconds: 120, channelIds: [] })

    const got = await call(open, 'GET', `/alert-rules/${rule.id}`, undefined, viewer)
    expect(got.json<AlertRule>()).toEqual(rule)
    const disabled = await call(open, 'PUT', `/alert-rules/${rule.id}`, { name: 'custom', severity: 'page', condition: rule.condition, enabled: false }, { ...editor, 'if-match': got.headers.etag as string })
    expect(disabled.json<AlertRule>()).toMatchObject({ enabled: false, version: expect.not.stringMatching(`^${rule.version}$`) })
    expect((await call(open, 'DELETE', `/alert-rules/${rule.id}`)).statusCode).toBe(204)
    expect((await call(open, 'GET', `/alert-rules/${rule.id}`)).statusCode).toBe(404)
  })

  it('refuses unknown SLOs and channels, reversed windows, bad thresholds', async () => {
    const base = { name: 'r', severity: 'page' }
    const cases = [
      { ...base, condition: { type: 'slo_burn', sloId: '00000000-0000-4000-8000-000000000000' } },
      { ...base, condition: { type: 'slo_burn', sloId: slo.id, conditions: [{ long: '5m', short: '1h', burnRate: 2 }] } },
      { ...base, condition: { type: 'error_rate', window: '5m', above: 0.1 }, channelIds: ['00000000-0000-4000-8000-000000000000'] },
      { ...base, condition: { type: 'error_rate', window: '5m', above: 5 } },
      { ...base, condition: { type: 'latency', window: '90s', aboveMs: 100 } },
      { ...base, condition: { type: 'error_logs', window: '31d', above: 1 } },
      { ...base, condition: { type: 'error_logs', window: '5m', above: 1 }, labels: { 'bad label': 'x' } },
    ]
    for (const payload of cases) expect((await call(open, 'POST', '/alert-rules', payload)).statusCode, JSON.stringify(payload.condition)).toBe(400)
    const ok = await call(open, 'POST', '/alert-rules', { ...base, condition: { type: 'latency', service: 'checkout', window: '10m', aboveMs: 250, quantile: 0.95 } })
    expect(ok.statusCode).toBe(201)
    expect((await call(open, 'GET', '/alert-rules', undefined, globex)).json<{ rules: AlertRule[] }>().rules).toEqual([])
  })
})

describe('silences', () => {
  it('creates, lists and expires silences', async () => {
    const endsAt = new Date(NOW_MS + 3_600_000).toISOString()
    const created = await call(open, 'POST', '/silences', { matchers: [{ label: 'service', op: '=', value: 'checkout' }], endsAt, comment: 'deploy' })
    expect(created.statusCode).toBe(201)
    const silence = created.json<Silence>()
    expect(silence).toMatchObject({ state: 'active', startsAt: new Date(NOW_MS).toISOString(), endsAt, comment: 'deploy' })
    expect(silence.createdBy).not.toBe('')
    const later = await call(open, 'POST', '/silences', { matchers: [{ label: 'team', op: '!=', value: 'pay' }], startsAt: String(NOW_MS + 60_000), endsAt: String(NOW_MS + 120_000) })
    expect(later.json<Silence>().state).toBe('pending')

    expect((await call(open, 'POST', '/silences', { matchers: [{ label: 'service', op: '=', value: 'x' }], endsAt: new Date(NOW_MS - 1000).toISOString() })).statusCode).toBe(400)
    expect((await call(open, 'POST', '/silences', { matchers: [], endsAt })).statusCode).toBe(400)
    expect((await call(open, 'POST', '/silences', { matchers: [{ label: 'service', op: '=~', value: '.*' }], endsAt })).statusCode).toBe(400)

    expect((await call(open, 'DELETE', `/silences/${silence.id}`)).statusCode).toBe(204)
    const expired = (await call(open, 'GET', `/silences/${silence.id}`, undefined, viewer)).json<Silence>()
    expect(expired).toMatchObject({ state: 'expired', endsAt: new Date(NOW_MS).toISOString() })
    const listed = (await call(open, 'GET', '/silences', undefined, viewer)).json<{ silences: Silence[] }>().silences
    expect(listed.map((s) => s.state).sort()).toEqual(['expired', 'pending'])
  })
})

describe('alerts', () => {
  it('answers an empty list before anything fired', async () => {
    const response = await call(open, 'GET', '/alerts', undefined, viewer)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ alerts: [] })
  })

  it('documents every alerting route in the OpenAPI document', async () => {
    const doc = (await open.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{ paths: Record<string, unknown> }>()
    for (const path of ['/api/v1/slos', '/api/v1/slos/{id}/status', '/api/v1/slos/suggestions', '/api/v1/slos/suggestions/{service}/accept', '/api/v1/alert-rules/{id}', '/api/v1/channels/{id}/test', '/api/v1/alerts', '/api/v1/silences/{id}']) {
      expect(doc.paths[path], path).toBeDefined()
    }
  })
})
