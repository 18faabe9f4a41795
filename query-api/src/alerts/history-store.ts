/**
 * Alert state, events and delivery attempts in the store.
 *
 * alert_state: one versioned row per (tenant, rule, alert key), written only on transitions by
 *   compare-and-set (versioned-cas.ts): Version counts transitions from 1, Writer is the
 *   evaluator that decided it, Since when the state began, Value the rule's value then.
 * alert_events: one row per notified transition (Kind firing | resolved), EventId =
 *   eventIdOf(tenant, rule, key, state version) and inserted with that id as its dedup token, so
 *   a repeated insert of a transition's event is dropped. Details is the JSON of EventDetails:
 *   everything a notification says, so a delivery resumed by another evaluator renders the very
 *   same message.
 * notifications: one row per delivery attempt (Status sent | retrying | failed), inserted with
 *   token (event, channel, attempt) so a retried record is not doubled.
 */
import { randomUUID } from 'node:crypto'
import type { AlertEventRow, NotificationRow } from '@periscope/store'
import type { AlertFacts } from '../notify/notification.ts'
import type { SqlQuery } from '../sql/query-runner.ts'
import type { AlertStateName } from './state-machine.ts'
import { latestQuery } from './versioned-cas.ts'

export const EVENTS_TABLE = 'alert_events'
export const NOTIFICATIONS_TABLE = 'notifications'

export interface StateRecord {
  readonly tenantId: string
  readonly ruleId: string
  readonly alertKey: string
  readonly state: AlertStateName
  readonly sinceMs: number
  readonly value: number
  readonly version: number
}

interface RawState {
  tenantId: string
  ruleId: string
  alertKey: string
  state: AlertStateName
  sinceNs: string
  value: number | string
  version: string
}

const STATE_COLUMNS = `TenantId AS tenantId, RuleId AS ruleId, AlertKey AS alertKey, State AS state,
       toUnixTimestamp64Nano(Since) AS sinceNs, Value AS value, Version AS version`

export function stateOf(raw: RawState): StateRecord {
  return {
    tenantId: raw.tenantId,
    ruleId: raw.ruleId,
    alertKey: raw.alertKey,
    state: raw.state,
    sinceMs: Number(BigInt(raw.sinceNs) / 1_000_000n),
    value: Number(raw.value),
    version: Number(raw.version),
  }
}

/** Current state of every series of every tenant (the evaluator). */
export function allStatesQuery(limit: number): SqlQuery {
  return latestQuery('alert_state', STATE_COLUMNS, null, limit)
}

/** Current state of every series of one tenant (GET /alerts). */
export function tenantStatesQuery(tenantId: string, limit: number): SqlQuery {
  return latestQuery('alert_state', STATE_COLUMNS, tenantId, limit)
}

export interface EventDetails {
  readonly ruleName: string
  readonly ruleKind: string
  readonly labels: Readonly<Record<string, string>>
  /** channels this event is delivered to (none when silenced) */
  readonly deliverTo: readonly string[]
  /** the silence that matched when the alert fired, or null */
  readonly silencedBy: string | null
  /** resolved events: the firing event of the episode */
  readonly firingEventId: string | null
  /** when the episode began firing, unix ms */
  readonly startsAtMs: number
  readonly dedupKey: string
  readonly facts: AlertFacts
  readonly traceIds: readonly string[]
}

export interface EventRecord {
  readonly tenantId: string
  readonly eventId: string
  readonly ruleId: string
  readonly alertKey: string
  readonly atMs: number
  readonly kind: 'firing' | 'resolved'
  readonly severity: string
  readonly value: number
  readonly summary: string
  readonly details: EventDetails
}

interface RawEvent {
  tenantId: string
  eventId: string
  ruleId: string
  alertKey: string
  atNs: string
  kind: 'firing' | 'resolved'
  severity: string
  value: number | string
  summary: string
  details: string
}

const EVENT_COLUMNS = `TenantId AS tenantId, EventId AS eventId, RuleId AS ruleId, AlertKey AS alertKey, toUnixTimestamp64Nano(Timestamp) AS atNs,
       Kind AS kind, Severity AS severity, Value AS value, Summary AS summary, Details AS details`

export function eventOf(raw: RawEvent): EventRecord {
  return {
    tenantId: raw.tenantId,
    eventId: raw.eventId,
    ruleId: raw.ruleId,
    alertKey: raw.alertKey,
    atMs: Number(BigInt(raw.atNs) / 1_000_000n),
    kind: raw.kind,
    severity: raw.severity,
    value: Number(raw.value),
    summary: raw.summary,
    details: JSON.parse(raw.details) as EventDetails,
  }
}

export function eventRowOf(event: EventRecord): AlertEventRow {
  return {
    TenantId: event.tenantId,
    EventId: event.eventId,
    RuleId: event.ruleId,
    AlertKey: event.alertKey,
    Timestamp: BigInt(event.atMs) * 1_000_000n,
    Kind: event.kind,
    Severity: event.severity,
    Value: event.value,
    Summary: event.summary,
    Details: JSON.stringify(event.details),
  }
}

export function eventToken(eventId: string): string {
  return `alert_event:${eventId}`
}

/**
 * Events by id. One row per id: a repeated insert is deduplicated, and should a stalled
 * writer's copy land anyway (past the dedup window) both copies describe the same transition.
 */
export function eventsByIdQuery(tenantId: string, ids: readonly string[]): SqlQuery {
  return {
    name: 'events.by_id',
    sql: `SELECT ${EVENT_COLUMNS} FROM alert_events
WHERE TenantId = {tenantId:String} AND EventId IN {ids:Array(String)}
ORDER BY eventId, atNs
LIMIT 1 BY eventId`,
    params: { tenantId, ids: [...ids] },
  }
}

/** Resolved events of one tenant in [from, to), newest first. */
export function resolvedEventsQuery(tenantId: string, fromNs: bigint, toNs: bigint, ruleId: string | undefined, limit: number): SqlQuery {
  return {
    name: 'events.resolved',
    sql: `SELECT ${EVENT_COLUMNS} FROM alert_events
WHERE TenantId = {tenantId:String} AND Kind = 'resolved'
  AND Timestamp >= fromUnixTimestamp64Nano({fromNs:Int64}, 'UTC') AND Timestamp < fromUnixTimestamp64Nano({toNs:Int64}, 'UTC')${ruleId !== undefined ? '\n  AND RuleId = {ruleId:String}' : ''}
ORDER BY Timestamp DESC
LIMIT 1 BY eventId
LIMIT {limit:UInt32}`,
    params: { tenantId, fromNs: fromNs.toString(), toNs: toNs.toString(), limit, ...(ruleId !== undefined ? { ruleId } : {}) },
  }
}

/** Every tenant's events since fromNs that have channels to deliver to (the evaluator's redrive). */
export function deliverableEventsQuery(fromNs: bigint, limit: number): SqlQuery {
  return {
    name: 'events.deliverable',
    sql: `SELECT ${EVENT_COLUMNS} FROM alert_events
WHERE Timestamp >= fromUnixTimestamp64Nano({fromNs:Int64}, 'UTC') AND JSONLength(Details, 'deliverTo') > 0
ORDER BY Timestamp
LIMIT 1 BY tenantId, eventId
LIMIT {limit:UInt32}`,
    params: { fromNs: fromNs.toString(), limit },
    unscoped: true,
  }
}

/** Per (event, channel) since fromNs: attempts made and whether the delivery has ended. */
export function deliveryProgressQuery(fromNs: bigint, limit: number): SqlQuery {
  return {
    name: 'notifications.progress',
    sql: `SELECT TenantId AS tenantId, EventId AS eventId, ChannelId AS channelId, max(Attempt) AS attempts,
       countIf(Status IN ('sent', 'failed')) > 0 AS done
FROM notifications
WHERE Timestamp >= fromUnixTimestamp64Nano({fromNs:Int64}, 'UTC')
GROUP BY tenantId, eventId, channelId
LIMIT {limit:UInt32}`,
    params: { fromNs: fromNs.toString(), limit },
    unscoped: true,
  }
}

export interface AttemptRecordOut {
  readonly eventId: string
  readonly channelId: string
  readonly attempt: number
  readonly status: string
  readonly httpStatus: number
  readonly error: string
  readonly atNs: string
}

export function attemptsForEventsQuery(tenantId: string, eventIds: readonly string[], limit: number): SqlQuery {
  return {
    name: 'notifications.by_event',
    sql: `SELECT EventId AS eventId, ChannelId AS channelId, Attempt AS attempt, Status AS status, HttpStatus AS httpStatus, Error AS error,
       toUnixTimestamp64Nano(Timestamp) AS atNs
FROM notifications
WHERE TenantId = {tenantId:String} AND EventId IN {ids:Array(String)}
ORDER BY eventId, channelId, attempt
LIMIT 1 BY eventId, channelId, attempt
LIMIT {limit:UInt32}`,
    params: { tenantId, ids: [...eventIds], limit },
  }
}

export function attemptRowOf(tenantId: string, eventId: string, channelId: string, attempt: { attempt: number; atMs: number; status: 'sent' | 'retrying' | 'failed'; httpStatus: number; error: string }): NotificationRow {
  return {
    TenantId: tenantId,
    NotificationId: randomUUID(),
    EventId: eventId,
    ChannelId: channelId,
    Attempt: attempt.attempt,
    Timestamp: BigInt(attempt.atMs) * 1_000_000n,
    Status: attempt.status,
    HttpStatus: attempt.httpStatus,
    Error: attempt.error.slice(0, 2000),
  }
}

export function attemptToken(eventId: string, channelId: string, attempt: number): string {
  return `notification:${eventId}/${channelId}/${attempt}`
}
