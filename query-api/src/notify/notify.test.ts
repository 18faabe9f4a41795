import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createChannelPacer } from './channel-pacer.ts'
import { mergeConfig, redactConfig } from './channel-config.ts'
import type { HttpPoster, PostOutcome, PostRequest } from './http-post.ts'
import type { AlertNotification } from './notification.ts'
import { pagerDutyEvent } from './pagerduty.ts'
import { backoffMs, classifyOutcome, parseRetryAfterMs, type RetryPolicy } from './retry-policy.ts'
import { createSender, type AttemptRecord, type ChannelTarget } from './sender.ts'
import { slackMessage } from './slack.ts'
import { webhookNotifier } from './webhook.ts'

const POLICY: RetryPolicy = { maxAttempts: 5, initialBackoffMs: 1000, maxBackoffMs: 8000, maxRetryAfterMs: 60_000 }

const FIRING: AlertNotification = {
  eventId: '11111111-2222-3333-4444-555555555555',
  kind: 'firing',
  test: false,
  tenantId: 'acme',
  rule: { id: 'rule-1', name: 'Checkout availability burn', kind: 'slo_burn', severity: 'page' },
  labels: { alertname: 'Checkout availability burn', severity: 'page', service: 'checkout' },
  summary: 'checkout availability burns its budget 15.2× (1h/5m)',
  value: 15.2,
  startsAtMs: Date.UTC(2026, 0, 1, 12, 0, 0),
  endsAtMs: null,
  dedupKey: 'd'.repeat(64),
  facts: { service: 'checkout', slo: { id: 's1', name: 'Checkout availability', objective: 99.9, burnRate: 15.2, windows: '1h/5m', budgetRemaining: 0.42 } },
  links: {
    service: 'http://ui.local/services/checkout',
    traces: [{ traceId: 'abcdef0123456789abcdef0123456789', url: 'http://ui.local/traces/abcdef0123456789abcdef0123456789' }],
    alerts: 'http://ui.local/alerts',
  },
}

function response(status: number, headers: Record<string, string> = {}, body = ''): PostOutcome {
  return { kind: 'response', status, headers, body }
}

/** A poster answering from a script, recording each request; a clock that sleeps instantly. */
function harness(script: PostOutcome[]) {
  let now = 1_000_000
  const sleeps: number[] = []
  const requests: PostRequest[] = []
  const poster: HttpPoster = {
    async post(request) {
      requests.push(request)
      return script.shift() ?? response(200)
    },
  }
  const nowMs = () => now
  const sleep = async (ms: number) => {
    sleeps.push(ms)
    now += ms
  }
  const pacer = createChannelPacer({ minIntervalMs: 1000, nowMs, sleep })
  const sender = createSender({ poster, policy: POLICY, pacer, nowMs, sleep })
  return { sender, sleeps, requests, nowMs }
}

const WEBHOOK: ChannelTarget = { tenantId: 'acme', channelId: 'c-hook', type: 'webhook', config: { url: 'http://127.0.0.1:1/hook', secret: 's'.repeat(16) } }
const SLACK: ChannelTarget = { tenantId: 'acme', channelId: 'c-slack', type: 'slack', config: { url: 'https://hooks.slack.com/services/T/B/X' } }

describe('delivery with retries', () => {
  it('retries 500, 500 with exponential backoff and records every attempt until the 200', async () => {
    const h = harness([response(500), response(500), response(200)])
    const attempts: AttemptRecord[] = []
    const result = await h.sender.deliver(FIRING, WEBHOOK, { onAttempt: (a) => void attempts.push(a) })
    expect(result).toEqual({ status: 'sent', attempts: 3, httpStatus: 200, error: '' })
    expect(attempts.map((a) => [a.attempt, a.status, a.httpStatus])).toEqual([
      [1, 'retrying', 500],
      [2, 'retrying', 500],
      [3, 'sent', 200],
    ])
    expect(h.sleeps).toEqual([1000, 2000])
    // the same event id on every attempt
    expect(new Set(h.requests.map((r) => r.headers['x-periscope-event-id']))).toEqual(new Set([FIRING.eventId]))
  })

  it('gives up after maxAttempts, the last attempt recorded as failed; backoff capped', async () => {
    const h = harness(Array.from({ length: 9 }, () => response(503)))
    const attempts: AttemptRecord[] = []
    const result = await h.sender.deliver(FIRING, WEBHOOK, { onAttempt: (a) => void attempts.push(a) })
    expect(result.status).toBe('failed')
    expect(attempts.map((a) => a.status)).toEqual(['retrying', 'retrying', 'retrying', 'retrying', 'failed'])
    expect(h.sleeps).toEqual([1000, 2000, 4000, 8000])
  })

  it('does not retry a 400, nor follow a redirect, nor send to a refused destination', async () => {
    for (const outcome of [response(400, {}, 'invalid routing key'), response(302, { location: 'http://169.254.169.254/' }), { kind: 'refused', reason: 'private', retryable: false } as const]) {
      const h = harness([outcome])
      const result = await h.sender.deliver(FIRING, WEBHOOK)
      expect(result.status).toBe('failed')
      expect(result.attempts).toBe(1)
      expect(h.requests).toHaveLength(1)
    }
  })

  it("honours Slack's 429 Retry-After and holds the channel", async () => {
    const h = harness([response(429, { 'retry-after': '7' }), response(200)])
    const result = await h.sender.deliver(FIRING, SLACK)
    expect(result.status).toBe('sent')
    // the backoff is the longer of 1 s and Retry-After; the pacer then finds the slot free
    expect(h.sleeps).toEqual([7000])
  })

  it('paces a Slack channel to one message per second', async () => {
    const now = 5000
    const sleeps: number[] = []
    const pacer = createChannelPacer({ minIntervalMs: 1000, nowMs: () => now, sleep: async (ms) => void sleeps.push(ms) })
    // three sends at once take consecutive one-second slots: the 2nd waits 1 s, the 3rd 2 s
    await Promise.all([pacer.take('a'), pacer.take('a'), pacer.take('a'), pacer.take('other')])
    expect(sleeps).toEqual([1000, 2000])
    // a Retry-After hold delays the next slot
    pacer.holdUntil('b', 9000)
    await pacer.take('b')
    expect(sleeps).toEqual([1000, 2000, 4000])
  })

  it('stops when the lease is gone, and continues the attempt count when resumed', async () => {
    const h = harness([response(500), response(500)])
    let allowed = 1
    const result = await h.sender.deliver(FIRING, WEBHOOK, { mayContinue: () => allowed-- > 0 })
    expect(result).toMatchObject({ status: 'abandoned', attempts: 1 })
    const attempts: AttemptRecord[] = []
    await h.sender.deliver(FIRING, WEBHOOK, { firstAttempt: 2, onAttempt: (a) => void attempts.push(a) })
    expect(attempts.map((a) => a.attempt)).toEqual([2, 3])
  })
})

describe('outcome classification', () => {
  it('classifies statuses', () => {
    expect(classifyOutcome(response(202), POLICY, 0).status).toBe('sent')
    expect(classifyOutcome(response(429, { 'retry-after': '120' }), POLICY, 0)).toMatchObject({ status: 'retryable', retryAfterMs: 60_000 })
    expect(classifyOutcome(response(408), POLICY, 0).status).toBe('retryable')
    expect(classifyOutcome(response(404), POLICY, 0).status).toBe('failed')
    expect(classifyOutcome({ kind: 'network', error: 'ECONNRESET' }, POLICY, 0).status).toBe('retryable')
    expect(classifyOutcome({ kind: 'refused', reason: 'cannot resolve', retryable: true }, POLICY, 0).status).toBe('retryable')
  })

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfterMs('3', 0)).toBe(3000)
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', Date.UTC(2026, 0, 1))).toBe(10_000)
    expect(parseRetryAfterMs('soon', 0)).toBeUndefined()
    expect(backoffMs(POLICY, 1)).toBe(1000)
    expect(backoffMs(POLICY, 10)).toBe(8000)
  })
})

describe('rendering', () => {
  it('signs webhooks with HMAC-SHA256 over `${timestamp}.${body}`', () => {
    const secret = 'webhook-secret-0123456789'
    const request = webhookNotifier.request(FIRING, { url: 'https://example.com/h', secret, headers: { 'X-Team': 'pay' } }, 1_767_225_600_500)
    expect(request.headers['x-periscope-timestamp']).toBe('1767225600')
    const expected = 'sha256=' + createHmac('sha256', secret).update(`1767225600.${request.body}`).digest('hex')
    expect(request.headers['x-periscope-signature']).toBe(expected)
    expect(request.headers['X-Team']).toBe('pay')
    expect(JSON.parse(request.body)).toMatchObject({ version: 1, status: 'firing', eventId: FIRING.eventId, dedupKey: FIRING.dedupKey, labels: { service: 'checkout' } })
  })

  it('sends PagerDuty a trigger with the payload and a bare resolve, both with the dedup key', () => {
    const trigger = pagerDutyEvent(FIRING, 'R0UTING')
    expect(trigger).toMatchObject({
      routing_key: 'R0UTING',
      event_action: 'trigger',
      dedup_key: FIRING.dedupKey,
      payload: { source: 'checkout', severity: 'critical', component: 'checkout', timestamp: '2026-01-01T12:00:00.000Z', custom_details: { budget_left: '42.0 %' } },
      links: [{ href: 'http://ui.local/services/checkout' }, { href: FIRING.links.traces[0]!.url }],
    })
    expect(pagerDutyEvent({ ...FIRING, kind: 'resolved' }, 'R0UTING')).toEqual({ routing_key: 'R0UTING', event_action: 'resolve', dedup_key: FIRING.dedupKey })
  })

  it('puts the service, burn rate, budget left and links into Slack blocks', () => {
    const message = JSON.stringify(slackMessage(FIRING))
    expect(message).toContain('*Service*\\ncheckout')
    expect(message).toContain('15.2× (1h/5m)')
    expect(message).toContain('42.0 %')
    expect(message).toContain('<http://ui.local/services/checkout|checkout service page>')
    expect(message).toContain('<http://ui.local/traces/abcdef0123456789abcdef0123456789|trace abcdef012345>')
    expect(slackMessage({ ...FIRING, summary: 'a <b> & c' }).blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'a &lt;b&gt; &amp; c' } })
  })
})

describe('channel configs', () => {
  it('never shows secrets', () => {
    expect(redactConfig('slack', { url: 'https://hooks.slack.com/services/T0/B0/SECRET' })).toEqual({ url: 'https://hooks.slack.com/…' })
    expect(JSON.stringify(redactConfig('pagerduty', { routingKey: 'R0UTINGKEYSECRET' }))).not.toContain('SECRET')
    expect(JSON.stringify(redactConfig('webhook', { url: 'https://x.example/h', secret: 'topsecret-0123456', headers: { Authorization: 'Bearer xyz' } }))).not.toMatch(/topsecret|xyz/)
  })

  it('keeps stored secrets an update leaves out', () => {
    expect(mergeConfig('webhook', { url: 'https://a/h', secret: 'old-secret-0123456' }, { url: 'https://b/h' })).toEqual({ url: 'https://b/h', secret: 'old-secret-0123456' })
    expect(mergeConfig('pagerduty', { routingKey: 'KEY' }, {})).toEqual({ routingKey: 'KEY' })
    expect(mergeConfig('slack', { url: 'https://hooks/x' }, { url: 'https://hooks/y' })).toEqual({ url: 'https://hooks/y' })
  })
})
