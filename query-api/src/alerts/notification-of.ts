/**
 * An alert event as a notification: everything comes from the stored event (its Details), so a
 * delivery resumed by another evaluator says exactly what the first attempt said; links point
 * into the UI at `uiBaseUrl` (/services/<name>, /traces/<id>, /alerts).
 */
import type { AlertNotification } from '../notify/notification.ts'
import type { EventRecord } from './history-store.ts'

export function notificationOf(event: EventRecord, uiBaseUrl: string): AlertNotification {
  const base = uiBaseUrl.replace(/\/+$/, '')
  const d = event.details
  return {
    eventId: event.eventId,
    kind: event.kind,
    test: false,
    tenantId: event.tenantId,
    rule: { id: event.ruleId, name: d.ruleName, kind: d.ruleKind, severity: event.severity },
    labels: d.labels,
    summary: event.summary,
    value: event.value,
    startsAtMs: d.startsAtMs,
    endsAtMs: event.kind === 'resolved' ? event.atMs : null,
    dedupKey: d.dedupKey,
    facts: d.facts,
    links: {
      service: d.facts.service ? `${base}/services/${encodeURIComponent(d.facts.service)}` : undefined,
      traces: d.traceIds.map((traceId) => ({ traceId, url: `${base}/traces/${encodeURIComponent(traceId)}` })),
      alerts: `${base}/alerts`,
    },
  }
}
