/**
 * PagerDuty Events API v2 (POST https://events.pagerduty.com/v2/enqueue, answer 202):
 *   trigger: {routing_key, event_action: "trigger", dedup_key, payload: {summary, source,
 *             severity, timestamp, component, group, class, custom_details}, links, client, client_url}
 *   resolve: {routing_key, event_action: "resolve", dedup_key}
 * dedup_key is stable per tenant, rule and group labels (labels.ts), so retries, replicas and
 * restarts all address the same incident, and the resolve closes the incident the trigger
 * opened. Severity: page → critical, ticket → warning, info → info.
 */
import { DEFAULT_PAGERDUTY_URL, type PagerDutyConfig } from './channel-config.ts'
import { formatBurn, formatPercent, type AlertNotification, type Notifier } from './notification.ts'

const SEVERITY: Record<string, string> = { page: 'critical', ticket: 'warning', info: 'info' }

export function pagerDutyEvent(n: AlertNotification, routingKey: string): Record<string, unknown> {
  if (n.kind === 'resolved') return { routing_key: routingKey, event_action: 'resolve', dedup_key: n.dedupKey }
  const details: Record<string, unknown> = { rule: n.rule.name, rule_id: n.rule.id, value: n.value, labels: n.labels }
  if (n.facts.slo) {
    details.slo = n.facts.slo.name
    details.burn_rate = formatBurn(n.facts.slo.burnRate)
    details.burn_windows = n.facts.slo.windows
    details.budget_left = formatPercent(n.facts.slo.budgetRemaining)
  }
  if (n.facts.threshold !== undefined) details.threshold = n.facts.threshold
  if (n.test) details.test = true
  const links = [
    ...(n.links.service ? [{ href: n.links.service, text: `${n.facts.service ?? 'service'} service page` }] : []),
    ...n.links.traces.map((t) => ({ href: t.url, text: `trace ${t.traceId}` })),
  ]
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: n.dedupKey,
    payload: {
      summary: `${n.test ? '[TEST] ' : ''}${n.summary}`.slice(0, 1024),
      source: n.facts.service ?? 'periscope',
      severity: SEVERITY[n.rule.severity] ?? 'error',
      timestamp: new Date(n.startsAtMs).toISOString(),
      ...(n.facts.service ? { component: n.facts.service } : {}),
      group: n.tenantId,
      class: n.rule.kind,
      custom_details: details,
    },
    links,
    client: 'Periscope',
    ...(n.links.alerts ? { client_url: n.links.alerts } : {}),
  }
}

export const pagerDutyNotifier: Notifier<PagerDutyConfig> = {
  type: 'pagerduty',
  request(notification, config) {
    return {
      url: config.url ?? DEFAULT_PAGERDUTY_URL,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(pagerDutyEvent(notification, config.routingKey)),
    }
  },
}
