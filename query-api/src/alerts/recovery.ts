/**
 * What a stopped or crashed evaluator may leave undone, found again by the next leader:
 * - missingEvents (on gaining leadership): the event a current state implies but the store lacks
 *   — the crash fell between a transition's state write and its event write;
 * - redrive (every tick): deliveries of recent events that neither succeeded nor finally failed
 *   and run nowhere in this process. Each is queued with the attempts already made; the
 *   dispatcher then takes its delivery lease, which succeeds only when no live evaluator holds
 *   it (held leases outlast a whole retry schedule; a stopping evaluator hands its back).
 */
import type { QueryRunner } from '../sql/query-runner.ts'
import type { Dispatcher } from './dispatcher.ts'
import { deliverableEventsQuery, deliveryProgressQuery, eventOf, eventsByIdQuery, type StateRecord } from './history-store.ts'
import { eventIdOf } from './labels.ts'
import type { RuleRecord } from './rule-store.ts'

/**
 * Ids of events missing for the states of `rules` that changed since sinceMs: a firing
 * state's own event, and the resolve of an ok state whose previous version fired.
 */
export async function missingEvents(runner: QueryRunner, rules: readonly RuleRecord[], states: ReadonlyMap<string, readonly StateRecord[]>, sinceMs: number): Promise<Set<string>> {
  const missing = new Set<string>()
  for (const rule of rules) {
    // own event id → the firing event it resolves (null for a firing state's own event)
    const expected = new Map<string, string | null>()
    for (const state of states.get(`${rule.tenantId}\u0000${rule.id}`) ?? []) {
      if (state.sinceMs < sinceMs) continue
      const own = eventIdOf(rule.tenantId, rule.id, state.alertKey, state.version)
      if (state.state === 'firing') expected.set(own, null)
      else if (state.state === 'ok' && state.version >= 2) expected.set(own, eventIdOf(rule.tenantId, rule.id, state.alertKey, state.version - 1))
    }
    if (expected.size === 0) continue
    const ids = [...expected.keys(), ...[...expected.values()].filter((v): v is string => v !== null)]
    const rows = await runner.rows<Parameters<typeof eventOf>[0]>(eventsByIdQuery(rule.tenantId, ids), { tenantId: rule.tenantId })
    const present = new Map(rows.map((r) => [r.eventId, r.kind]))
    for (const [id, firingId] of expected) {
      if (present.has(id)) continue
      if (firingId === null || present.get(firingId) === 'firing') missing.add(id)
    }
  }
  return missing
}

interface RawProgress {
  tenantId: string
  eventId: string
  channelId: string
  attempts: string
  done: number | boolean
}

/** Queues the unfinished deliveries of events since fromNs; answers how many were queued. */
export async function redrive(runner: QueryRunner, dispatcher: Dispatcher, fromNs: bigint): Promise<number> {
  const [rawEvents, rawProgress] = await Promise.all([
    runner.rows<Parameters<typeof eventOf>[0]>(deliverableEventsQuery(fromNs, 10_000), { tenantId: '' }),
    runner.rows<RawProgress>(deliveryProgressQuery(fromNs, 100_000), { tenantId: '' }),
  ])
  const progress = new Map(rawProgress.map((p) => [`${p.tenantId}\u0000${p.eventId}\u0000${p.channelId}`, { attempts: Number(p.attempts), done: p.done === true || p.done === 1 }]))
  let queued = 0
  for (const event of rawEvents.map(eventOf)) {
    for (const channelId of event.details.deliverTo) {
      const p = progress.get(`${event.tenantId}\u0000${event.eventId}\u0000${channelId}`)
      if (p?.done || dispatcher.has(event.tenantId, event.eventId, channelId)) continue
      if (dispatcher.enqueue({ event, channelId, attemptsMade: p?.attempts ?? 0 })) queued++
    }
  }
  return queued
}
