/**
 * What a channel is told about an alert, independent of the channel: every notifier renders
 * this into its own request, so Slack, PagerDuty and webhooks say the same thing.
 */
import type { PostRequest } from './http-post.ts'

export type ChannelType = 'slack' | 'pagerduty' | 'webhook'

export interface SloFacts {
  readonly id: string
  readonly name: string
  /** percent */
  readonly objective: number
  /** the burn rate both windows of the matched condition exceed (×budget) */
  readonly burnRate: number
  /** e.g. "1h/5m" */
  readonly windows: string
  /** fraction of the SLO window's budget left (negative when overspent) */
  readonly budgetRemaining: number
}

export interface AlertFacts {
  readonly service?: string | undefined
  readonly operation?: string | undefined
  readonly slo?: SloFacts | undefined
  /** the rule's threshold in `unit` (golden-signal and error-log rules) */
  readonly threshold?: number | undefined
  readonly unit?: string | undefined
  /** e.g. "5m" */
  readonly window?: string | undefined
}

export interface AlertLinks {
  /** the service page of the UI */
  readonly service?: string | undefined
  /** example failing (or slow) traces of the window that fired */
  readonly traces: readonly { readonly traceId: string; readonly url: string }[]
  /** the alerts page of the UI */
  readonly alerts?: string | undefined
}

export interface AlertNotification {
  readonly eventId: string
  readonly kind: 'firing' | 'resolved'
  /** a test message from POST /channels/:id/test */
  readonly test: boolean
  readonly tenantId: string
  readonly rule: { readonly id: string; readonly name: string; readonly kind: string; readonly severity: string }
  readonly labels: Readonly<Record<string, string>>
  readonly summary: string
  readonly value: number
  readonly startsAtMs: number
  readonly endsAtMs: number | null
  /** stable per tenant, rule and group labels (labels.ts) */
  readonly dedupKey: string
  readonly facts: AlertFacts
  readonly links: AlertLinks
}

export interface Notifier<C> {
  readonly type: ChannelType
  /** the request of one attempt (rendered per attempt: signatures carry the attempt's time) */
  request(notification: AlertNotification, config: C, nowMs: number): PostRequest
}

/** `12.3×`, `0.25×` */
export function formatBurn(rate: number): string {
  return `${rate >= 10 ? rate.toFixed(1) : rate.toFixed(2)}×`
}

/** `42.0 %` of a fraction */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`
}
