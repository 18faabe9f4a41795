/**
 * Alert rules: GET/POST /alert-rules, GET/PUT/DELETE /alert-rules/:id. A rule is checked
 * beyond its schema when written: its SLO (slo_burn) and its channels must exist, windows are
 * at most 30 days and burn windows ordered (long > short). Burn conditions left out are stored as the severity's
 * SRE-workbook defaults, so GET shows what runs. Reading needs viewer, writing editor.
 */
import { randomUUID } from 'node:crypto'
import { Type } from 'typebox'
import { authOf } from '../auth/auth-hook.ts'
import { BadRequest, NotFound } from '../errors.ts'
import { noStore } from '../http/cache-headers.ts'
import { queryContextOf } from '../http/query-context.ts'
import { channelsByIdQuery } from '../notify/channel-store.ts'
import { AlertRule, AlertRuleInput, AlertRulesResponse, IdParams } from '../schemas/alerting.ts'
import { PROBLEM_RESPONSES, Problem } from '../schemas/common.ts'
import { getSloQuery } from '../slo/slo-store.ts'
import { windowMs, windowMsOrThrow } from '../slo/windows.ts'
import type { QueryContext } from '../sql/query-runner.ts'
import { isoOfNs } from '../time/iso.ts'
import { getRuleQuery, listRulesQuery, RULES_TABLE, ruleInputOf, ruleOf, ruleRowOf, type RuleRecord } from '../alerts/rule-store.ts'
import { checkIfMatch, etagOf, nextVersion, nsOfMs } from '../alerts/versions.ts'
import type { RouteContext, RouteModule } from './route-module.ts'

const MAX_RULES_LISTED = 1000

export function alertRuleOf(rule: RuleRecord): AlertRule {
  return {
    id: rule.id,
    name: rule.name,
    kind: rule.kind,
    severity: rule.severity,
    condition: rule.condition,
    channelIds: [...rule.channelIds],
    enabled: rule.enabled,
    forSeconds: rule.forSeconds,
    labels: { ...rule.labels },
    version: rule.version,
    createdAt: isoOfNs(BigInt(rule.createdAtNs)),
    updatedAt: isoOfNs(BigInt(rule.updatedAtNs)),
  }
}

async function readRule(ctx: RouteContext, context: QueryContext, id: string): Promise<RuleRecord> {
  const [raw] = await ctx.runner.rows<Parameters<typeof ruleOf>[0]>(getRuleQuery(context.tenantId, id), context)
  if (!raw) throw new NotFound(`no alert rule ${id}`)
  return ruleOf(raw)
}

async function checkRule(ctx: RouteContext, context: QueryContext, input: AlertRuleInput): Promise<void> {
  const condition = input.condition
  const windows = condition.type === 'slo_burn' ? (condition.conditions ?? []).flatMap((c) => [c.long, c.short]) : [condition.window]
  for (const window of windows) {
    if (windowMs(window) === null) throw new BadRequest(`window ${window} is longer than 30 days`)
  }
  if (condition.type === 'slo_burn') {
    const [slo] = await ctx.runner.rows(getSloQuery(context.tenantId, condition.sloId), context)
    if (!slo) throw new BadRequest(`condition.sloId names no SLO of this tenant: ${condition.sloId}`)
    for (const c of condition.conditions ?? []) {
      if (windowMsOrThrow(c.long) <= windowMsOrThrow(c.short)) throw new BadRequest(`burn condition ${c.long}/${c.short}: the long window must be longer than the short one`)
    }
  }
  const channelIds = [...new Set(input.channelIds ?? [])]
  if (channelIds.length > 0) {
    const found = new Set((await ctx.runner.rows<{ id: string }>(channelsByIdQuery(context.tenantId, channelIds), context)).map((c) => c.id))
    const unknown = channelIds.filter((id) => !found.has(id))
    if (unknown.length > 0) throw new BadRequest(`channelIds name no channel of this tenant: ${unknown.join(', ')}`)
  }
}

async function writeRule(ctx: RouteContext, tenantId: string, id: string, input: AlertRuleInput, at: { createdAtNs: bigint; version: bigint }, deleted = false): Promise<RuleRecord> {
  const row = ruleRowOf(tenantId, id, { ...input, channelIds: [...new Set(input.channelIds ?? [])] }, at, deleted)
  await ctx.store.insert(RULES_TABLE, [row])
  return ruleOf({
    tenantId,
    id,
    name: row.Name,
    kind: row.Kind,
    severity: row.Severity,
    definition: row.Definition,
    channelIds: row.ChannelIds,
    enabled: row.Enabled ?? true,
    version: at.version.toString(),
    createdAtNs: at.createdAtNs.toString(),
    updatedAtNs: at.version.toString(),
  })
}

export const alertRuleRoutes: RouteModule = {
  name: 'alert-rules',
  register(api, ctx) {
    const { runner, clock } = ctx
    const tags = ['alerting']

    api.get('/alert-rules', { schema: { tags, summary: "the tenant's alert rules", response: { 200: AlertRulesResponse, ...PROBLEM_RESPONSES } } }, async (request, reply) => {
      const context = queryContextOf(request, reply)
      const rows = await runner.rows<Parameters<typeof ruleOf>[0]>(listRulesQuery(context.tenantId, MAX_RULES_LISTED), context)
      noStore(reply)
      return { rules: rows.map((r) => alertRuleOf(ruleOf(r))) }
    })

    api.post('/alert-rules', { schema: { tags, summary: 'create an alert rule', body: AlertRuleInput, response: { 201: AlertRule, ...PROBLEM_RESPONSES } } }, async (request, reply) => {
      const context = queryContextOf(request, reply)
      await checkRule(ctx, context, request.body)
      const nowNs = nsOfMs(clock.nowMs())
      const rule = await writeRule(ctx, authOf(request).tenantId, randomUUID(), request.body, { createdAtNs: nowNs, version: nowNs })
      noStore(reply)
      reply.header('etag', etagOf(rule.version)).header('location', `${request.url.split('?')[0]}/${rule.id}`)
      return reply.code(201).send(alertRuleOf(rule))
    })

    api.get('/alert-rules/:id', { schema: { tags, summary: 'one alert rule', params: IdParams, response: { 200: AlertRule, 404: Problem, ...PROBLEM_RESPONSES } } }, async (request, reply) => {
      const rule = await readRule(ctx, queryContextOf(request, reply), request.params.id)
      noStore(reply)
      reply.header('etag', etagOf(rule.version))
      return alertRuleOf(rule)
    })

    api.put('/alert-rules/:id', {
      schema: { tags, summary: 'replace an alert rule (If-Match: its ETag)', params: IdParams, body: AlertRuleInput, response: { 200: AlertRule, 404: Problem, 412: Problem, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const context = queryContextOf(request, reply)
      const current = await readRule(ctx, context, request.params.id)
      checkIfMatch(request.headers['if-match'], current.version, `alert rule ${current.id}`)
      await checkRule(ctx, context, request.body)
      const rule = await writeRule(ctx, context.tenantId, current.id, request.body, { createdAtNs: BigInt(current.createdAtNs), version: nextVersion(nsOfMs(clock.nowMs()), current.version) })
      noStore(reply)
      reply.header('etag', etagOf(rule.version))
      return alertRuleOf(rule)
    })

    api.delete('/alert-rules/:id', {
      schema: { tags, summary: 'delete an alert rule', params: IdParams, response: { 204: Type.Null({ description: 'deleted' }), 404: Problem, 412: Problem, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const context = queryContextOf(request, reply)
      const current = await readRule(ctx, context, request.params.id)
      checkIfMatch(request.headers['if-match'], current.version, `alert rule ${current.id}`)
      await writeRule(ctx, context.tenantId, current.id, ruleInputOf(current), { createdAtNs: BigInt(current.createdAtNs), version: nextVersion(nsOfMs(clock.nowMs()), current.version) }, true)
      return reply.code(204).send(null)
    })
  },
}
