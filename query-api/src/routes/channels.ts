/**
 * Notification channels: GET/POST /channels, GET/PUT/DELETE /channels/:id and
 * POST /channels/:id/test (one attempt of a test message, answered with its outcome).
 * A channel's config is validated for its type and its destination must pass the SSRF guard
 * (alerting.ssrf.allow) when it is saved and when a test is sent; secrets are never answered.
 * Reading needs viewer, writing and testing editor.
 */
import { randomUUID } from 'node:crypto'
import { Type, type TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { authOf } from '../auth/auth-hook.ts'
import { BadRequest, NotFound } from '../errors.ts'
import { noStore } from '../http/cache-headers.ts'
import { queryContextOf } from '../http/query-context.ts'
import { destinationOf, mergeConfig, PagerDutyConfig, redactConfig, SlackConfig, WebhookConfig, type ChannelConfig } from '../notify/channel-config.ts'
import { channelOf, channelRowOf, CHANNELS_TABLE, getChannelQuery, listChannelsQuery, type ChannelRecord } from '../notify/channel-store.ts'
import type { AlertNotification, ChannelType } from '../notify/notification.ts'
import { createSsrfGuard } from '../notify/ssrf-guard.ts'
import { Channel, ChannelInput, ChannelsResponse, ChannelTestResult, IdParams } from '../schemas/alerting.ts'
import { PROBLEM_RESPONSES, Problem } from '../schemas/common.ts'
import type { QueryContext } from '../sql/query-runner.ts'
import { isoOfNs } from '../time/iso.ts'
import { checkIfMatch, etagOf, nextVersion, nsOfMs } from '../alerts/versions.ts'
import { senderFromConfig } from '../evaluator/index.ts'
import type { RouteContext, RouteModule } from './route-module.ts'

const MAX_CHANNELS_LISTED = 1000

const CONFIG_SCHEMAS: Readonly<Record<ChannelType, TSchema>> = { slack: SlackConfig, pagerduty: PagerDutyConfig, webhook: WebhookConfig }

export function channelViewOf(record: ChannelRecord): Channel {
  return {
    id: record.id,
    name: record.name,
    type: record.type,
    config: redactConfig(record.type, record.config),
    version: record.version,
    createdAt: isoOfNs(BigInt(record.createdAtNs)),
    updatedAt: isoOfNs(BigInt(record.updatedAtNs)),
  }
}

async function readChannel(ctx: RouteContext, context: QueryContext, id: string): Promise<ChannelRecord> {
  const [raw] = await ctx.runner.rows<Parameters<typeof channelOf>[0]>(getChannelQuery(context.tenantId, id), context)
  if (!raw) throw new NotFound(`no channel ${id}`)
  return channelOf(raw)
}

function validConfig(type: ChannelType, config: Record<string, unknown>): ChannelConfig {
  const schema = CONFIG_SCHEMAS[type]
  if (!Value.Check(schema, config)) {
    const problems = [...Value.Errors(schema, config)].slice(0, 5).map((e) => `${e.instancePath || 'config'} ${e.message}`)
    throw new BadRequest(`invalid ${type} channel config: ${problems.join('; ')}`)
  }
  return config as ChannelConfig
}

function testNotification(tenantId: string, channel: ChannelRecord, nowMs: number, uiBaseUrl: string): AlertNotification {
  const base = uiBaseUrl.replace(/\/+$/, '')
  return {
    eventId: randomUUID(),
    kind: 'firing',
    test: true,
    tenantId,
    rule: { id: 'test', name: `Test of channel ${channel.name}`, kind: 'test', severity: 'info' },
    labels: { alertname: 'test', severity: 'info' },
    summary: `A test message from Periscope to the channel ${channel.name}: if you read this, alerts reach you here.`,
    value: 0,
    startsAtMs: nowMs,
    endsAtMs: null,
    dedupKey: `periscope-test-${channel.id}`,
    facts: {},
    links: { traces: [], alerts: `${base}/alerts` },
  }
}

export const channelRoutes: RouteModule = {
  name: 'channels',
  register(api, ctx) {
    const { runner, clock } = ctx
    const alerting = ctx.config.alerting
    const guard = createSsrfGuard({ allow: alerting.ssrf.allow })
    const sender = senderFromConfig(alerting, { nowMs: clock.nowMs })
    const tags = ['alerting']

    const checkDestination = async (type: ChannelType, config: ChannelConfig) => {
      const outcome = await guard.check(destinationOf(type, config))
      if (!outcome.ok) throw new BadRequest(`destination refused: ${outcome.reason}`)
    }

    const write = async (tenantId: string, id: string, input: { name: string; type: ChannelType; config: ChannelConfig }, at: { createdAtNs: bigint; version: bigint }, deleted = false) => {
      await ctx.store.insert(CHANNELS_TABLE, [channelRowOf(tenantId, id, input, at, deleted)])
      const record: ChannelRecord = { tenantId, id, name: input.name, type: input.type, config: input.config, version: at.version.toString(), createdAtNs: at.createdAtNs.toString(), updatedAtNs: at.version.toString() }
      return record
    }

    api.get('/channels', { schema: { tags, summary: "the tenant's notification channels (secrets redacted)", response: { 200: ChannelsResponse, ...PROBLEM_RESPONSES } } }, async (request, reply) => {
      const context = queryContextOf(request, reply)
      const rows = await runner.rows<Parameters<typeof channelOf>[0]>(listChannelsQuery(context.tenantId, MAX_CHANNELS_LISTED), context)
      noStore(reply)
      return { channels: rows.map((r) => channelViewOf(channelOf(r))) }
    })

    api.post('/channels', { schema: { tags, summary: 'create a channel', body: ChannelInput, response: { 201: Channel, ...PROBLEM_RESPONSES } } }, async (request, reply) => {
      const { name, type } = request.body
      const config = validConfig(type, request.body.config)
      await checkDestination(type, config)
      const nowNs = nsOfMs(clock.nowMs())
      const record = await write(authOf(request).tenantId, randomUUID(), { name, type, config }, { createdAtNs: nowNs, version: nowNs })
      noStore(reply)
      reply.header('etag', etagOf(record.version)).header('location', `${request.url.split('?')[0]}/${record.id}`)
      return reply.code(201).send(channelViewOf(record))
    })

    api.get('/channels/:id', { schema: { tags, summary: 'one channel (secrets redacted)', params: IdParams, response: { 200: Channel, 404: Problem, ...PROBLEM_RESPONSES } } }, async (request, reply) => {
      const record = await readChannel(ctx, queryContextOf(request, reply), request.params.id)
      noStore(reply)
      reply.header('etag', etagOf(record.version))
      return channelViewOf(record)
    })

    api.put('/channels/:id', {
      schema: { tags, summary: 'replace a channel; secrets left out of config are kept (If-Match: its ETag)', params: IdParams, body: ChannelInput, response: { 200: Channel, 404: Problem, 412: Problem, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const context = queryContextOf(request, reply)
      const current = await readChannel(ctx, context, request.params.id)
      checkIfMatch(request.headers['if-match'], current.version, `channel ${current.id}`)
      const { name, type } = request.body
      const config = validConfig(type, mergeConfig(type, current.type === type ? current.config : null, request.body.config))
      await checkDestination(type, config)
      const record = await write(context.tenantId, current.id, { name, type, config }, { createdAtNs: BigInt(current.createdAtNs), version: nextVersion(nsOfMs(clock.nowMs()), current.version) })
      noStore(reply)
      reply.header('etag', etagOf(record.version))
      return channelViewOf(record)
    })

    api.delete('/channels/:id', {
      schema: { tags, summary: 'delete a channel (rules naming it skip it, recording a failed attempt)', params: IdParams, response: { 204: Type.Null({ description: 'deleted' }), 404: Problem, 412: Problem, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const context = queryContextOf(request, reply)
      const current = await readChannel(ctx, context, request.params.id)
      checkIfMatch(request.headers['if-match'], current.version, `channel ${current.id}`)
      await write(context.tenantId, current.id, current, { createdAtNs: BigInt(current.createdAtNs), version: nextVersion(nsOfMs(clock.nowMs()), current.version) }, true)
      return reply.code(204).send(null)
    })

    api.post('/channels/:id/test', {
      schema: { tags, summary: 'send one test message now and answer its outcome', params: IdParams, response: { 200: ChannelTestResult, 404: Problem, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const context = queryContextOf(request, reply)
      const channel = await readChannel(ctx, context, request.params.id)
      // the guard runs again inside the send (after DNS resolution, on the address connected to)
      await checkDestination(channel.type, channel.config)
      const result = await sender.deliver(
        testNotification(context.tenantId, channel, clock.nowMs(), alerting.links.uiBaseUrl),
        { tenantId: context.tenantId, channelId: channel.id, type: channel.type, config: channel.config },
        { maxAttempts: 1, ...(context.signal ? { signal: context.signal } : {}) },
      )
      noStore(reply)
      const answer: ChannelTestResult = { status: result.status === 'sent' ? 'sent' : 'failed', httpStatus: result.httpStatus, error: result.status === 'abandoned' ? 'the request was cancelled' : result.error }
      return answer
    })
  },
}
