/**
 * GET /alerts: alert episodes of the tenant — every series firing now, and the episodes that
 * resolved within from..to (default the last 24 h) — newest first, each with the delivery
 * attempts of its firing and resolved notifications. An episode's id is its firing event's id.
 */
import { noStore } from '../http/cache-headers.ts'
import { queryContextOf } from '../http/query-context.ts'
import { listChannelsQuery } from '../notify/channel-store.ts'
import { Alert, AlertsQuery, AlertsResponse } from '../schemas/alerting.ts'
import { PROBLEM_RESPONSES } from '../schemas/common.ts'
import { isoOfNs } from '../time/iso.ts'
import { resolveTimeRange } from '../time/time-range.ts'
import { attemptsForEventsQuery, eventOf, eventsByIdQuery, resolvedEventsQuery, stateOf, tenantStatesQuery, type AttemptRecordOut, type EventRecord } from '../alerts/history-store.ts'
import { eventIdOf } from '../alerts/labels.ts'
import { nsOfMs } from '../alerts/versions.ts'
import type { RouteModule } from './route-module.ts'

const DEFAULT_RANGE_MS = 86_400_000
const DEFAULT_LIMIT = 100
const MAX_ATTEMPTS_LISTED = 20_000

export const alertsRoutes: RouteModule = {
  name: 'alerts',
  register(api, ctx) {
    const { runner, clock, config } = ctx

    api.get('/alerts', {
      schema: { tags: ['alerting'], summary: 'firing alerts and alerts resolved in the range, with their notifications', querystring: AlertsQuery, response: { 200: AlertsResponse, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const { state = 'all', ruleId, limit = DEFAULT_LIMIT } = request.query
      const range = resolveTimeRange(request.query, { defaultRangeMs: DEFAULT_RANGE_MS, maxRangeMs: config.limits.maxRangeMs }, clock.nowMs())
      const context = queryContextOf(request, reply)
      const { tenantId } = context

      const firingStates =
        state === 'resolved'
          ? []
          : (await runner.rows<Parameters<typeof stateOf>[0]>(tenantStatesQuery(tenantId, 100_000), context))
              .map(stateOf)
              .filter((s) => s.state === 'firing' && (ruleId === undefined || s.ruleId === ruleId))
      const resolved = state === 'firing' ? [] : (await runner.rows<Parameters<typeof eventOf>[0]>(resolvedEventsQuery(tenantId, range.fromNs, range.toNs, ruleId, limit), context)).map(eventOf)

      const firingIds = [...new Set([...firingStates.map((s) => eventIdOf(tenantId, s.ruleId, s.alertKey, s.version)), ...resolved.flatMap((r) => (r.details.firingEventId ? [r.details.firingEventId] : []))])]
      const firingEvents = new Map<string, EventRecord>()
      if (firingIds.length > 0) {
        for (const raw of await runner.rows<Parameters<typeof eventOf>[0]>(eventsByIdQuery(tenantId, firingIds), context)) firingEvents.set(raw.eventId, eventOf(raw))
      }
      const allIds = [...firingIds, ...resolved.map((r) => r.eventId)]
      const [attempts, channels] = await Promise.all([
        allIds.length > 0 ? runner.rows<AttemptRecordOut>(attemptsForEventsQuery(tenantId, allIds, MAX_ATTEMPTS_LISTED), context) : Promise.resolve([]),
        runner.rows<{ id: string; name: string }>(listChannelsQuery(tenantId, 1000), context),
      ])
      const channelNames = new Map(channels.map((c) => [c.id, c.name]))
      const attemptsOf = (event: EventRecord | undefined, kind: 'firing' | 'resolved') =>
        event
          ? attempts
              .filter((a) => a.eventId === event.eventId)
              .map((a) => ({
                channelId: a.channelId,
                channelName: channelNames.get(a.channelId) ?? null,
                event: kind,
                attempt: Number(a.attempt),
                status: a.status,
                httpStatus: Number(a.httpStatus),
                error: a.error,
                at: isoOfNs(BigInt(a.atNs)),
              }))
          : []

      const alerts: Alert[] = []
      const episode = (firing: EventRecord, resolvedEvent: EventRecord | undefined): Alert => ({
        id: firing.eventId,
        ruleId: firing.ruleId,
        ruleName: firing.details.ruleName,
        kind: firing.details.ruleKind,
        severity: firing.severity,
        state: resolvedEvent ? 'resolved' : 'firing',
        alertKey: firing.alertKey,
        labels: { ...firing.details.labels },
        summary: firing.summary,
        value: firing.value,
        startsAt: isoOfNs(nsOfMs(firing.details.startsAtMs)),
        endsAt: resolvedEvent ? isoOfNs(nsOfMs(resolvedEvent.atMs)) : null,
        silenced: firing.details.silencedBy !== null,
        notifications: [...attemptsOf(firing, 'firing'), ...attemptsOf(resolvedEvent, 'resolved')],
      })
      for (const s of firingStates) {
        const firing = firingEvents.get(eventIdOf(tenantId, s.ruleId, s.alertKey, s.version))
        if (firing) alerts.push(episode(firing, undefined))
      }
      alerts.sort((a, b) => (a.startsAt < b.startsAt ? 1 : -1))
      for (const r of resolved) {
        const firing = r.details.firingEventId ? firingEvents.get(r.details.firingEventId) : undefined
        if (firing) alerts.push(episode(firing, r))
      }
      noStore(reply)
      return { alerts: alerts.slice(0, limit) }
    })
  },
}
