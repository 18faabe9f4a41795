/**
 * SLOs: GET/POST /slos, GET/PUT/DELETE /slos/:id, GET /slos/:id/status,
 * GET /slos/suggestions and POST /slos/suggestions/:service/accept (creates the suggested SLOs
 * of one service in one call: both kinds by default, or those named in `sli`; kinds the service
 * already has an SLO of are skipped and answered in `existing`).
 * Reading needs viewer, writing editor. Status windows end at the query API's clock.
 */
import { randomUUID } from 'node:crypto'
import { Type } from 'typebox'
import { authOf } from '../auth/auth-hook.ts'
import { BadRequest, NotFound } from '../errors.ts'
import { noStore, shortCache } from '../http/cache-headers.ts'
import { queryContextOf } from '../http/query-context.ts'
import { PROBLEM_RESPONSES, Problem } from '../schemas/common.ts'
import { AcceptBody, AcceptParams, Slo, SloInput, SloParams, SloStatus, SloSuggestionsResponse, SlosResponse, SuggestionsQuery } from '../schemas/slos.ts'
import { sloStatus } from '../slo/slo-status.ts'
import { getSloQuery, inputOf, listSlosQuery, recordOf, sloRowOf, SLOS_TABLE, type SloRecord } from '../slo/slo-store.ts'
import { observeServices, suggest } from '../slo/suggestions.ts'
import { DAY_MS, formatWindow } from '../slo/windows.ts'
import type { QueryContext } from '../sql/query-runner.ts'
import { isoOfNs } from '../time/iso.ts'
import { resolveTimeRange } from '../time/time-range.ts'
import { checkIfMatch, etagOf, nextVersion, nsOfMs } from '../alerts/versions.ts'
import type { RouteContext, RouteModule } from './route-module.ts'

const MAX_SLOS_LISTED = 1000
const SUGGESTION_RANGE_MS = 7 * DAY_MS

export function sloOf(record: SloRecord): Slo {
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    service: record.service,
    operation: record.operation || null,
    sli: record.sli,
    objective: record.objective,
    thresholdMs: record.sli === 'latency' ? record.thresholdNs / 1e6 : null,
    windowDays: record.windowDays,
    window: formatWindow(record.windowDays * DAY_MS),
    version: record.version,
    createdAt: isoOfNs(BigInt(record.createdAtNs)),
    updatedAt: isoOfNs(BigInt(record.updatedAtNs)),
  }
}

/** What the schema cannot say: a latency SLI needs its threshold, an availability one has none. */
function checkInput(input: SloInput): void {
  if (input.sli === 'latency' && input.thresholdMs === undefined) throw new BadRequest('a latency SLO needs thresholdMs')
  if (input.sli === 'availability' && input.thresholdMs !== undefined) throw new BadRequest('thresholdMs applies to latency SLOs only; leave it out of an availability SLO')
}

export async function readSlo(ctx: Pick<RouteContext, 'runner'>, context: QueryContext, id: string): Promise<SloRecord> {
  const [raw] = await ctx.runner.rows<Parameters<typeof recordOf>[0]>(getSloQuery(context.tenantId, id), context)
  if (!raw) throw new NotFound(`no SLO ${id}`)
  return recordOf(raw)
}

async function writeSlo(ctx: RouteContext, tenantId: string, id: string, input: SloInput, at: { createdAtNs: bigint; version: bigint }): Promise<SloRecord> {
  const row = sloRowOf(tenantId, id, input, at)
  await ctx.store.insert(SLOS_TABLE, [row])
  return {
    tenantId,
    id,
    name: row.Name,
    description: row.Description ?? '',
    service: row.ServiceName,
    operation: row.SpanName ?? '',
    sli: row.Kind,
    objective: row.ObjectivePercent,
    thresholdNs: Number(row.ThresholdNs ?? 0n),
    windowDays: row.WindowDays ?? 30,
    version: at.version.toString(),
    createdAtNs: at.createdAtNs.toString(),
    updatedAtNs: at.version.toString(),
  }
}

export const sloRoutes: RouteModule = {
  name: 'slos',
  register(api, ctx) {
    const { runner, clock, config } = ctx
    const tags = ['slos']

    api.get('/slos', { schema: { tags, summary: "the tenant's SLOs", response: { 200: SlosResponse, ...PROBLEM_RESPONSES } } }, async (request, reply) => {
      const context = queryContextOf(request, reply)
      const rows = await runner.rows<Parameters<typeof recordOf>[0]>(listSlosQuery(context.tenantId, MAX_SLOS_LISTED), context)
      noStore(reply)
      return { slos: rows.map((r) => sloOf(recordOf(r))) }
    })

    api.post('/slos', { schema: { tags, summary: 'create an SLO', body: SloInput, response: { 201: Slo, ...PROBLEM_RESPONSES } } }, async (request, reply) => {
      checkInput(request.body)
      const { tenantId } = authOf(request)
      const nowNs = nsOfMs(clock.nowMs())
      const record = await writeSlo(ctx, tenantId, randomUUID(), request.body, { createdAtNs: nowNs, version: nowNs })
      noStore(reply)
      reply.header('etag', etagOf(record.version)).header('location', `${request.url.split('?')[0]}/${record.id}`)
      return reply.code(201).send(sloOf(record))
    })

    api.get('/slos/suggestions', {
      schema: { tags, summary: 'SLOs suggested from observed traffic (availability 99.9 %, latency at the observed p99)', querystring: SuggestionsQuery, response: { 200: SloSuggestionsResponse, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const range = resolveTimeRange(request.query, { defaultRangeMs: SUGGESTION_RANGE_MS, maxRangeMs: config.limits.maxRangeMs }, clock.nowMs())
      const context = queryContextOf(request, reply)
      const [observed, existing] = await Promise.all([
        observeServices(runner, context, range),
        runner.rows<Parameters<typeof recordOf>[0]>(listSlosQuery(context.tenantId, MAX_SLOS_LISTED), context),
      ])
      shortCache(reply, config.cache.aggregateMaxAgeSeconds)
      return { from: isoOfNs(range.fromNs), to: isoOfNs(range.toNs), suggestions: suggest(observed, existing.map(recordOf), rangeText(range)) }
    })

    api.post('/slos/suggestions/:service/accept', {
      schema: {
        tags,
        summary: "create a service's suggested SLOs in one call",
        params: AcceptParams,
        body: Type.Optional(AcceptBody),
        response: { 201: Type.Object({ slos: Type.Array(Slo), existing: Type.Array(Slo) }), 404: Problem, ...PROBLEM_RESPONSES },
      },
    }, async (request, reply) => {
      const body = request.body ?? {}
      const service = request.params.service
      const range = resolveTimeRange({ from: body.from, to: body.to }, { defaultRangeMs: SUGGESTION_RANGE_MS, maxRangeMs: config.limits.maxRangeMs }, clock.nowMs())
      const context = queryContextOf(request, reply)
      const [observed, existingRows] = await Promise.all([
        observeServices(runner, context, range, service),
        runner.rows<Parameters<typeof recordOf>[0]>(listSlosQuery(context.tenantId, MAX_SLOS_LISTED), context),
      ])
      const existing = existingRows.map(recordOf).filter((s) => s.service === service && s.operation === '')
      const wanted = new Set(body.sli ?? ['availability', 'latency'])
      const suggestions = suggest(observed, existing, rangeText(range)).filter((s) => wanted.has(s.sli))
      const already = existing.filter((s) => wanted.has(s.sli))
      if (suggestions.length === 0 && already.length === 0) {
        throw new NotFound(`service ${service} had too little traffic from ${isoOfNs(range.fromNs)} to ${isoOfNs(range.toNs)} to suggest SLOs`)
      }
      const nowNs = nsOfMs(clock.nowMs())
      const created: Slo[] = []
      for (const s of suggestions) {
        const input: SloInput = { name: s.name, service, sli: s.sli, objective: s.objective, windowDays: body.windowDays ?? 30, ...(s.thresholdMs !== null ? { thresholdMs: s.thresholdMs } : {}) }
        created.push(sloOf(await writeSlo(ctx, context.tenantId, randomUUID(), input, { createdAtNs: nowNs, version: nowNs })))
      }
      noStore(reply)
      return reply.code(201).send({ slos: created, existing: already.map(sloOf) })
    })

    api.get('/slos/:id', { schema: { tags, summary: 'one SLO', params: SloParams, response: { 200: Slo, 404: Problem, ...PROBLEM_RESPONSES } } }, async (request, reply) => {
      const record = await readSlo(ctx, queryContextOf(request, reply), request.params.id)
      noStore(reply)
      reply.header('etag', etagOf(record.version))
      return sloOf(record)
    })

    api.put('/slos/:id', {
      schema: { tags, summary: 'replace an SLO (If-Match: its ETag)', params: SloParams, body: SloInput, response: { 200: Slo, 404: Problem, 412: Problem, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      checkInput(request.body)
      const context = queryContextOf(request, reply)
      const current = await readSlo(ctx, context, request.params.id)
      checkIfMatch(request.headers['if-match'], current.version, `SLO ${current.id}`)
      const record = await writeSlo(ctx, context.tenantId, current.id, request.body, { createdAtNs: BigInt(current.createdAtNs), version: nextVersion(nsOfMs(clock.nowMs()), current.version) })
      noStore(reply)
      reply.header('etag', etagOf(record.version))
      return sloOf(record)
    })

    api.delete('/slos/:id', {
      schema: { tags, summary: 'delete an SLO (burn rules over it resolve and stay inert)', params: SloParams, response: { 204: Type.Null({ description: 'deleted' }), 404: Problem, 412: Problem, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const context = queryContextOf(request, reply)
      const current = await readSlo(ctx, context, request.params.id)
      checkIfMatch(request.headers['if-match'], current.version, `SLO ${current.id}`)
      const version = nextVersion(nsOfMs(clock.nowMs()), current.version)
      await ctx.store.insert(SLOS_TABLE, [sloRowOf(context.tenantId, current.id, inputOf(current), { createdAtNs: BigInt(current.createdAtNs), version }, true)])
      return reply.code(204).send(null)
    })

    api.get('/slos/:id/status', {
      schema: { tags, summary: 'SLI, error budget, burn rates, time to exhaustion and burn-down, now', params: SloParams, response: { 200: SloStatus, 404: Problem, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const context = queryContextOf(request, reply)
      const record = await readSlo(ctx, context, request.params.id)
      const status = await sloStatus(runner, context, record, nsOfMs(clock.nowMs()))
      shortCache(reply, config.cache.aggregateMaxAgeSeconds)
      return status
    })
  },
}

function rangeText(range: { fromNs: bigint; toNs: bigint }): string {
  const ms = Number((range.toNs - range.fromNs) / 1_000_000n)
  return ms % 60_000 === 0 ? formatWindow(ms) : `${Math.round(ms / 60_000)}m`
}
