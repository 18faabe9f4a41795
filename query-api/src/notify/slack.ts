/**
 * Slack incoming webhook: POST {text, blocks} (Block Kit). The message says what fired, for
 * which service, how fast the budget burns and how much is left (SLO rules) or the value
 * against the threshold (other rules), and links to the service page and to example failing
 * traces. `text` is the plain fallback for notifications. Slack answers 200 "ok"; 429 carries
 * Retry-After (honoured by the delivery, with per-channel pacing of ≤ 1 message/s).
 */
import type { SlackConfig } from './channel-config.ts'
import { formatBurn, formatPercent, type AlertNotification, type Notifier } from './notification.ts'

/** Slack mrkdwn needs &, < and > escaped in text. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function link(url: string, label: string): string {
  return `<${url.replace(/[<>|]/g, encodeURIComponent)}|${escape(label)}>`
}

export function slackMessage(n: AlertNotification): { text: string; blocks: unknown[] } {
  const state = n.kind === 'firing' ? 'FIRING' : 'RESOLVED'
  const icon = n.kind === 'firing' ? (n.rule.severity === 'page' ? ':red_circle:' : ':large_orange_circle:') : ':large_green_circle:'
  const title = `${n.test ? '[TEST] ' : ''}[${state}] ${n.rule.name}`
  const fields: string[] = []
  if (n.facts.service) fields.push(`*Service*\n${escape(n.facts.service)}${n.facts.operation ? ` · ${escape(n.facts.operation)}` : ''}`)
  fields.push(`*Severity*\n${escape(n.rule.severity)}`)
  if (n.facts.slo) {
    fields.push(`*Burn rate*\n${formatBurn(n.facts.slo.burnRate)} (${escape(n.facts.slo.windows)})`)
    fields.push(`*Budget left*\n${formatPercent(n.facts.slo.budgetRemaining)} of ${escape(n.facts.slo.name)} (${n.facts.slo.objective} %)`)
  } else if (n.facts.threshold !== undefined) {
    const unit = n.facts.unit ? ` ${n.facts.unit}` : ''
    fields.push(`*Value*\n${formatValue(n.value)}${escape(unit)} (threshold ${formatValue(n.facts.threshold)}${escape(unit)}${n.facts.window ? `, ${n.facts.window}` : ''})`)
  }
  const links: string[] = []
  if (n.links.service && n.facts.service) links.push(link(n.links.service, `${n.facts.service} service page`))
  for (const trace of n.links.traces) links.push(link(trace.url, `trace ${trace.traceId.slice(0, 12)}`))
  if (n.links.alerts) links.push(link(n.links.alerts, 'alerts'))

  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: `${n.kind === 'firing' ? '🔴' : '🟢'} ${title}`.slice(0, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: escape(n.summary).slice(0, 3000) } },
    { type: 'section', fields: fields.slice(0, 10).map((text) => ({ type: 'mrkdwn', text })) },
  ]
  if (links.length > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: links.join('  ·  ').slice(0, 3000) }] })
  return { text: `${icon} ${title}: ${n.summary}`.slice(0, 3000), blocks }
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4)
}

export const slackNotifier: Notifier<SlackConfig> = {
  type: 'slack',
  request(notification, config) {
    return { url: config.url, headers: { 'content-type': 'application/json' }, body: JSON.stringify(slackMessage(notification)) }
  },
}
