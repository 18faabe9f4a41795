/**
 * Silences: GET/POST /silences, GET/PUT/DELETE /silences/:id. A silence holds from startsAt
 * (default now) to endsAt; alerts whose labels match every matcher then fire and resolve as
 * usual, recorded but not notified. DELETE expires a silence (endsAt = now), so it stays listed
 * as expired. Reading needs viewer, writing editor; createdBy is the writing token's id.
 */
import { randomUUID } from 'node:crypto'
import { Type } from 'typebox'
import { authOf } from '../auth/auth-hook.ts'
import { BadRequest, NotFound } from '../errors.ts'
import { noStore } from '../http/cache-headers.ts'
import { queryContextOf } from '../http/query-context.ts'
import { IdParams, Silence, SilenceInput, SilencesResponse } from '../schemas/alerting.ts'
import { PROBLEM_RESPONSES, Problem } from '../schemas/common.ts'
import type { QueryContext } from '../sql/query-runner.ts'
import { isoOfNs } from '../time/iso.ts'
import { parseInstantNs } from '../time/instant.ts'
import { getSilenceQuery, listSilencesQuery, silenceOf, silenceRowOf, silenceState, SILENCES_TABLE, type SilenceRecord } from '../alerts/silence-store.ts'
import { checkIfMatch, etagOf, nextVersion, nsOfMs } from '../alerts/versions.ts'
import type { RouteContext, RouteModule } from './route-module.ts'

const MAX_SILENCES_LISTED = 1000
const MAX_SILENCE_MS = 366 * 86_400_000

function silenceViewOf(record: SilenceRecord, nowNs: bigint): Silence {
  return {
    id: record.id,
    matchers: record.matchers.map((m) => ({ ...m })),
    startsAt: isoOfNs(BigInt(record.startsAtNs)),
    endsAt: isoOfNs(BigInt(record.endsAtNs)),
    comment: record.comment,
    createdBy: record.createdBy,
    state: silenceState(record, nowNs),
    version: record.version,
    createdAt: isoOfNs(BigInt(record.createdAtNs)),
    updatedAt: isoOfNs(BigInt(record.updatedAtNs)),
  }
}

function instant(name: string, text: string): bigint {
  const ns = parseInstantNs(text)
  if (ns === null) throw new BadRequest(`${name} must be unix milliseconds or an RFC 3339 time, got ${JSON.stringify(text.slice(0, 64))}`)
  return ns
}

function timesOf(input: SilenceInput, nowNs: bigint): { startsAtNs: bigint; endsAtNs: bigint } {
  const startsAtNs = input.startsAt === undefined ? nowNs : instant('startsAt', input.startsAt)
  const endsAtNs = instant('endsAt', input.endsAt)
  if (endsAtNs <= startsAtNs) throw new BadRequest('endsAt must be after startsAt')
  if (endsAtNs <= nowNs) throw new BadRequest('endsAt is in the past: the silence would never apply')
  if (endsAtNs - startsAtNs > nsOfMs(MAX_SILENCE_MS)) throw new BadRequest('a silence lasts at most 366 days')
  return { startsAtNs, endsAtNs }
}

async function readSilence(ctx: RouteContext, context: QueryContext, id: string): Promise<SilenceRecord> {
  const [raw] = await ctx.runner.rows<Parameters<typeof silenceOf>[0]>(getSilenceQuery(context.tenantId, id), context)
  if (!raw) throw new NotFound(`no silence ${id}`)
  return silenceOf(raw)
}

export const silenceRoutes: RouteModule = {
  name: 'silences',
  register(api, ctx) {
    const { runner, clock } = ctx
    const tags = ['alerting']

    const write = async (tenantId: string, id: string, fields: Parameters<typeof silenceRowOf>[2], at: { createdAtNs: bigint; version: bigint }) => {
      const row = silenceRowOf(tenantId, id, fields, at)
      await ctx.store.insert(SILENCES_TABLE, [row])
      const record: SilenceRecord = {
        tenantId,
        id,
        matchers: fields.matchers,
        startsAtNs: fields.startsAtNs.toString(),
        endsAtNs: fields.endsAtNs.toString(),
        comment: fields.comment,
        createdBy: fields.createdBy,
        version: at.version.toString(),
        createdAtNs: at.createdAtNs.toString(),
        updatedAtNs: at.version.toString(),
      }
      return record
    }

    api.get('/silences', { schema: { tags, summary: "the tenant's silences, latest ending first", response: { 200: SilencesResponse, ...PROBLEM_RESPONSES } } }, async (request, reply) => {
      const context = queryContextOf(request, reply)
      const rows = await runner.rows<Parameters<typeof silenceOf>[0]>(listSilencesQuery(context.tenantId, MAX_SILENCES_LISTED), context)
      const nowNs = nsOfMs(clock.nowMs())
      noStore(reply)
      return { silences: rows.map((r) => silenceViewOf(silenceOf(r), nowNs)) }
    })

    api.post('/silences', { schema: { tags, summary: 'create a silence', body: SilenceInput, response: { 201: Silence, ...PROBLEM_RESPONSES } } }, async (request, reply) => {
      const auth = authOf(request)
      const nowNs = nsOfMs(clock.nowMs())
      const times = timesOf(request.body, nowNs)
      const record = await write(auth.tenantId, randomUUID(), { matchers: request.body.matchers, ...times, comment: request.body.comment ?? '', createdBy: auth.tokenId }, { createdAtNs: nowNs, version: nowNs })
      noStore(reply)
      reply.header('etag', etagOf(record.version)).header('location', `${request.url.split('?')[0]}/${record.id}`)
      return reply.code(201).send(silenceViewOf(record, nowNs))
    })

    api.get('/silences/:id', { schema: { tags, summary: 'one silence', params: IdParams, response: { 200: Silence, 404: Problem, ...PROBLEM_RESPONSES } } }, async (request, reply) => {
      const record = await readSilence(ctx, queryContextOf(request, reply), request.params.id)
      noStore(reply)
      reply.header('etag', etagOf(record.version))
      return silenceViewOf(record, nsOfMs(clock.nowMs()))
    })

    api.put('/silences/:id', {
      schema: { tags, summary: 'replace a silence (extend it, change its matchers; If-Match: its ETag)', params: IdParams, body: SilenceInput, response: { 200: Silence, 404: Problem, 412: Problem, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const auth = authOf(request)
      const context = queryContextOf(request, reply)
      const current = await readSilence(ctx, context, request.params.id)
      checkIfMatch(request.headers['if-match'], current.version, `silence ${current.id}`)
      const nowNs = nsOfMs(clock.nowMs())
      const times = timesOf(request.body, nowNs)
      const record = await write(context.tenantId, current.id, { matchers: request.body.matchers, ...times, comment: request.body.comment ?? '', createdBy: auth.tokenId }, { createdAtNs: BigInt(current.createdAtNs), version: nextVersion(nowNs, current.version) })
      noStore(reply)
      reply.header('etag', etagOf(record.version))
      return silenceViewOf(record, nowNs)
    })

    api.delete('/silences/:id', {
      schema: { tags, summary: 'expire a silence now', params: IdParams, response: { 204: Type.Null({ description: 'expired' }), 404: Problem, 412: Problem, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const context = queryContextOf(request, reply)
      const current = await readSilence(ctx, context, request.params.id)
      checkIfMatch(request.headers['if-match'], current.version, `silence ${current.id}`)
      const nowNs = nsOfMs(clock.nowMs())
      if (BigInt(current.endsAtNs) > nowNs) {
        const startsAtNs = BigInt(current.startsAtNs) < nowNs ? BigInt(current.startsAtNs) : nowNs
        await write(context.tenantId, current.id, { matchers: current.matchers, startsAtNs, endsAtNs: nowNs, comment: current.comment, createdBy: current.createdBy }, { createdAtNs: BigInt(current.createdAtNs), version: nextVersion(nowNs, current.version) })
      }
      return reply.code(204).send(null)
    })
  },
}
