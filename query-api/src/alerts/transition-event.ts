/**
 * The event of a transition the evaluator won: firing at state version v, or resolved at v
 * whose firing was v − 1. It is written once per transition whoever writes it (its id derives
 * from tenant, rule, series and version; the id is the insert's dedup token) and carries
 * everything a notification says (history-store.ts EventDetails).
 *
 * Where it goes: a firing goes to the rule's channels unless a silence matches its labels; a
 * resolve goes where its firing went (nowhere when the firing was silenced), so a receiver
 * never gets a resolve for a trigger it did not get.
 */
import type { Logger } from '@periscope/runtime'
import type { Store } from '@periscope/store'
import type { QueryRunner } from '../sql/query-runner.ts'
import { eventOf, eventRowOf, eventsByIdQuery, eventToken, EVENTS_TABLE, type EventRecord, type StateRecord } from './history-store.ts'
import { alertLabels, dedupKey, eventIdOf, groupLabelsOf, matchesAll } from './labels.ts'
import type { SeriesResult } from './rule-evaluation.ts'
import type { RuleRecord } from './rule-store.ts'
import type { SilenceRecord } from './silence-store.ts'

export interface TransitionEventInput {
  readonly kind: 'firing' | 'resolved'
  readonly rule: RuleRecord
  readonly key: string
  /** the state version the transition wrote */
  readonly version: number
  readonly previous: StateRecord | undefined
  /** the series as evaluated now; absent when it has no data any more (or the rule is off) */
  readonly series: SeriesResult | undefined
  readonly silences: readonly SilenceRecord[]
  readonly nowMs: number
}

export async function writeTransitionEvent(
  deps: { store: Pick<Store, 'insert'>; runner: QueryRunner; logger: Logger },
  input: TransitionEventInput,
): Promise<EventRecord> {
  const { kind, rule, key, version, series, nowMs } = input
  const groupLabels = groupLabelsOf(key)
  const labels = { ...series?.labels, ...alertLabels(rule, groupLabels) }
  let facts = series?.facts ?? { service: groupLabels.service }
  let traceIds: string[] = []
  if (series?.enrich) {
    try {
      ;({ facts, traceIds } = await series.enrich())
    } catch (error) {
      deps.logger.warn({ err: error, ruleId: rule.id }, 'notification details could not be read; sending without them')
    }
  }
  let routing: Pick<EventRecord['details'], 'deliverTo' | 'silencedBy' | 'firingEventId' | 'startsAtMs'>
  if (kind === 'firing') {
    const silence = input.silences.find((s) => matchesAll(s.matchers, labels))
    routing = { deliverTo: silence ? [] : [...rule.channelIds], silencedBy: silence?.id ?? null, firingEventId: null, startsAtMs: nowMs }
  } else {
    const firingEventId = eventIdOf(rule.tenantId, rule.id, key, version - 1)
    const [raw] = await deps.runner.rows<Parameters<typeof eventOf>[0]>(eventsByIdQuery(rule.tenantId, [firingEventId]), { tenantId: rule.tenantId })
    const firing = raw ? eventOf(raw) : undefined
    routing = {
      deliverTo: firing?.details.deliverTo ?? [],
      silencedBy: firing?.details.silencedBy ?? null,
      firingEventId,
      startsAtMs: firing?.details.startsAtMs ?? input.previous?.sinceMs ?? nowMs,
    }
  }
  const summary = series?.summary ?? (rule.enabled ? `${rule.name}: no data any more for ${key || 'the rule'}` : `${rule.name}: the rule was disabled`)
  const event: EventRecord = {
    tenantId: rule.tenantId,
    eventId: eventIdOf(rule.tenantId, rule.id, key, version),
    ruleId: rule.id,
    alertKey: key,
    atMs: nowMs,
    kind,
    severity: rule.severity,
    value: series?.value ?? 0,
    summary: kind === 'resolved' && series ? `resolved: ${summary}` : summary,
    details: { ...routing, ruleName: rule.name, ruleKind: rule.kind, labels, dedupKey: dedupKey(rule.tenantId, rule.id, groupLabels), facts, traceIds },
  }
  await deps.store.insert(EVENTS_TABLE, [eventRowOf(event)], { dedupToken: eventToken(event.eventId) })
  return event
}
