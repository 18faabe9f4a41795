/**
 * Labels of an alert series and what is derived from them.
 *
 * - group labels: what tells the series of one rule apart ({service: 'checkout'} for a rule
 *   over every service; {} for a rule over one SLO or one service);
 * - alert key: the canonical text of the group labels (JSON of the sorted pairs, '' for none),
 *   the AlertKey column of alert_state and alert_events;
 * - alert labels: group labels + the rule's own labels + alertname, severity and rule_id (the
 *   built-ins win), what silences match and notifications carry;
 * - dedup key: sha256 hex of (tenant, rule, group labels) — stable across evaluations,
 *   retries, restarts and replicas, so PagerDuty collapses every trigger and resolve of one
 *   series into one incident;
 * - event id: sha256 of (tenant, rule, alert key, state version) as a UUID-shaped string — the
 *   same transition always gets the same id, so re-inserting its event is idempotent.
 */
import { createHash } from 'node:crypto'

export type Labels = Readonly<Record<string, string>>

export function alertKeyOf(groupLabels: Labels): string {
  const entries = Object.entries(groupLabels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return entries.length === 0 ? '' : JSON.stringify(Object.fromEntries(entries))
}

export function groupLabelsOf(alertKey: string): Record<string, string> {
  if (alertKey === '') return {}
  const parsed = JSON.parse(alertKey) as unknown
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`malformed alert key ${alertKey}`)
  return parsed as Record<string, string>
}

export interface LabelledRule {
  readonly id: string
  readonly name: string
  readonly severity: string
  readonly labels: Labels
}

export function alertLabels(rule: LabelledRule, groupLabels: Labels): Record<string, string> {
  return { ...rule.labels, ...groupLabels, alertname: rule.name, severity: rule.severity, rule_id: rule.id }
}

function sha256Hex(parts: readonly string[]): string {
  const hash = createHash('sha256')
  // NUL separators: no part can contain one that shifts the boundary (ids and label JSON)
  for (const part of parts) hash.update(part).update('\u0000')
  return hash.digest('hex')
}

export function dedupKey(tenantId: string, ruleId: string, groupLabels: Labels): string {
  return sha256Hex([tenantId, ruleId, alertKeyOf(groupLabels)])
}

export function eventIdOf(tenantId: string, ruleId: string, alertKey: string, stateVersion: number): string {
  const hex = sha256Hex([tenantId, ruleId, alertKey, String(stateVersion)])
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

export interface SilenceMatcher {
  readonly label: string
  readonly op: '=' | '!='
  readonly value: string
}

/** Every matcher must hold; a label the alert lacks reads as ''. No matchers match nothing. */
export function matchesAll(matchers: readonly SilenceMatcher[], labels: Labels): boolean {
  if (matchers.length === 0) return false
  return matchers.every((m) => ((labels[m.label] ?? '') === m.value) === (m.op === '='))
}
