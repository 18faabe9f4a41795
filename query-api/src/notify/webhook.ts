/**
 * Generic webhook: POST application/json
 *   {version: 1, eventId, status: "firing" | "resolved", test, tenantId, rule: {id, name, kind,
 *    severity}, labels, summary, value, startsAt, endsAt, dedupKey, facts, links}
 * with headers
 *   X-Periscope-Timestamp: unix seconds of the attempt
 *   X-Periscope-Signature: sha256=<hex HMAC-SHA256(secret, `${timestamp}.${body}`)>
 *   X-Periscope-Event-Id:  eventId (the same on every retry: receivers deduplicate on it)
 * A receiver recomputes the HMAC over the timestamp header, a '.', and the raw body, compares
 * in constant time, and refuses timestamps far from its clock (replays).
 */
import { createHmac } from 'node:crypto'
import type { WebhookConfig } from './channel-config.ts'
import type { AlertNotification, Notifier } from './notification.ts'

export const TIMESTAMP_HEADER = 'x-periscope-timestamp'
export const SIGNATURE_HEADER = 'x-periscope-signature'
export const EVENT_ID_HEADER = 'x-periscope-event-id'

export function webhookBody(n: AlertNotification): string {
  return JSON.stringify({
    version: 1,
    eventId: n.eventId,
    status: n.kind,
    test: n.test,
    tenantId: n.tenantId,
    rule: n.rule,
    labels: n.labels,
    summary: n.summary,
    value: n.value,
    startsAt: new Date(n.startsAtMs).toISOString(),
    endsAt: n.endsAtMs === null ? null : new Date(n.endsAtMs).toISOString(),
    dedupKey: n.dedupKey,
    facts: n.facts,
    links: n.links,
  })
}

export function webhookSignature(secret: string, timestampS: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('hex')}`
}

export const webhookNotifier: Notifier<WebhookConfig> = {
  type: 'webhook',
  request(notification, config, nowMs) {
    const body = webhookBody(notification)
    const timestampS = Math.floor(nowMs / 1000)
    return {
      url: config.url,
      headers: {
        ...config.headers,
        'content-type': 'application/json',
        [TIMESTAMP_HEADER]: String(timestampS),
        [SIGNATURE_HEADER]: webhookSignature(config.secret, timestampS, body),
        [EVENT_ID_HEADER]: notification.eventId,
      },
      body,
    }
  },
}
