/**
 * Dashboards: GET /dashboards, POST /dashboards, GET/PUT/DELETE /dashboards/:id.
 * Reading needs viewer, writing editor. A board is stored as one versioned row; a write inserts
 * a whole new row with a larger Version (unix ns of the write, or the previous version + 1).
 * If-Match on PUT/DELETE is checked against the version read just before the write — a
 * best-effort guard: two writers racing within that gap both succeed, the later version wins.
 */
import { randomUUID } from 'node:crypto'
import { Type } from 'typebox'
import { authOf } from '../auth/auth-hook.ts'
import { BadRequest, NotFound, PreconditionFailed } from '../errors.ts'
import { etagMatches, noStore } from '../http/cache-headers.ts'
import { queryContextOf } from '../http/query-context.ts'
import { DASHBOARDS_TABLE, dashboardQuery, listDashboardsQuery, type DashboardRowOut } from '../queries/dashboards.ts'
import { PROBLEM_RESPONSES, Problem } from '../schemas/common.ts'
import { Dashboard, DashboardDefinition, DashboardParams, DashboardsResponse, type DashboardSummary } from '../schemas/dashboards.ts'
import { isoOfNs } from '../time/iso.ts'
import type { RouteContext, RouteModule } from './route-module.ts'

const MAX_DASHBOARDS_LISTED = 1000
const GRID_COLUMNS = 24

export const dashboardsRoutes: RouteModule = {
  name: 'dashboards',
  register(api, ctx) {
    const { runner } = ctx

    api.get('/dashboards', {
      schema: { tags: ['dashboards'], summary: "the tenant's dashboards", response: { 200: DashboardsResponse, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const context = queryContextOf(request, reply)
      const rows = await runner.rows<DashboardRowOut>(listDashboardsQuery(context.tenantId, MAX_DASHBOARDS_LISTED), context)
      noStore(reply)
      return { dashboards: rows.map(summaryOf) }
    })

    api.get('/dashboards/:id', {
      schema: { tags: ['dashboards'], summary: 'one dashboard', params: DashboardParams, response: { 200: Dashboard, 404: Problem, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const context = queryContextOf(request, reply)
      const [row] = await runner.rows<DashboardRowOut>(dashboardQuery(context.tenantId, request.params.id), context)
      if (!row) throw new NotFound(`no dashboard ${request.params.id}`)
      noStore(reply)
      reply.header('etag', etagOf(row.version))
      return dashboardOf(row)
    })

    api.post('/dashboards', {
      schema: { tags: ['dashboards'], summary: 'create a dashboard', body: DashboardDefinition, response: { 201: Dashboard, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      checkLayout(request.body)
      const { tenantId } = authOf(request)
      const nowNs = nowNsOf(ctx)
      const row = await write(ctx, tenantId, randomUUID(), request.body, { createdAtNs: nowNs, version: nowNs })
      noStore(reply)
      reply.header('etag', etagOf(row.version)).header('location', `${request.url.split('?')[0]}/${row.id}`)
      return reply.code(201).send(dashboardOf(row))
    })

    api.put('/dashboards/:id', {
      schema: { tags: ['dashboards'], summary: 'replace a dashboard (If-Match: its ETag, to not overwrite a newer version)', params: DashboardParams, body: DashboardDefinition, response: { 200: Dashboard, 404: Problem, 412: Problem, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      checkLayout(request.body)
      const context = queryContextOf(request, reply)
      const current = await currentOrThrow(ctx, context, request.params.id, request.headers['if-match'])
      const version = nextVersion(ctx, current.version)
      const row = await write(ctx, context.tenantId, current.id, request.body, { createdAtNs: BigInt(current.createdAtNs), version })
      noStore(reply)
      reply.header('etag', etagOf(row.version))
      return dashboardOf(row)
    })

    api.delete('/dashboards/:id', {
      schema: { tags: ['dashboards'], summary: 'delete a dashboard', params: DashboardParams, response: { 204: Type.Null({ description: 'deleted' }), 404: Problem, 412: Problem, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const context = queryContextOf(request, reply)
      const current = await currentOrThrow(ctx, context, request.params.id, request.headers['if-match'])
      await ctx.store.insert(DASHBOARDS_TABLE, [
        {
          TenantId: context.tenantId,
          DashboardId: current.id,
          Name: current.name,
          Definition: current.definition,
          CreatedAt: BigInt(current.createdAtNs),
          UpdatedAt: nowNsOf(ctx),
          Version: nextVersion(ctx, current.version),
          Deleted: 1,
        },
      ])
      return reply.code(204).send(null)
    })
  },
}

function nowNsOf(ctx: RouteContext): bigint {
  return BigInt(ctx.clock.nowMs()) * 1_000_000n
}

function nextVersion(ctx: RouteContext, previous: string): bigint {
  const now = nowNsOf(ctx)
  return now > BigInt(previous) ? now : BigInt(previous) + 1n
}

function etagOf(version: string): string {
  return `"v${version}"`
}

async function currentOrThrow(ctx: RouteContext, context: { tenantId: string; signal?: AbortSignal | undefined }, id: string, ifMatch: string | undefined): Promise<DashboardRowOut> {
  const [current] = await ctx.runner.rows<DashboardRowOut>(dashboardQuery(context.tenantId, id), context)
  if (!current) throw new NotFound(`no dashboard ${id}`)
  if (ifMatch !== undefined && !etagMatches(ifMatch, etagOf(current.version))) {
    throw new PreconditionFailed(`dashboard ${id} is at version ${current.version}, not the one in If-Match: reload it and apply the change again`)
  }
  return current
}

async function write(ctx: RouteContext, tenantId: string, id: string, definition: DashboardDefinition, at: { createdAtNs: bigint; version: bigint }): Promise<DashboardRowOut> {
  const text = JSON.stringify(definition)
  await ctx.store.insert(DASHBOARDS_TABLE, [
    { TenantId: tenantId, DashboardId: id, Name: definition.name, Definition: text, CreatedAt: at.createdAtNs, UpdatedAt: at.version, Version: at.version, Deleted: 0 },
  ])
  return { id, name: definition.name, definition: text, createdAtNs: at.createdAtNs.toString(), updatedAtNs: at.version.toString(), version: at.version.toString() }
}

/** What the schema cannot say: panel ids unique, every panel inside the 24-column grid. */
function checkLayout(definition: DashboardDefinition): void {
  const seen = new Set<string>()
  for (const panel of definition.panels) {
    if (seen.has(panel.id)) throw new BadRequest(`panel id ${panel.id} is used twice; panel ids must be unique within a dashboard`)
    seen.add(panel.id)
    if (panel.layout.x + panel.layout.w > GRID_COLUMNS) throw new BadRequest(`panel ${panel.id} ends at column ${panel.layout.x + panel.layout.w}; the grid has ${GRID_COLUMNS} columns`)
  }
}

function definitionOf(row: DashboardRowOut): DashboardDefinition {
  return JSON.parse(row.definition) as DashboardDefinition
}

function dashboardOf(row: DashboardRowOut): Dashboard {
  return { ...definitionOf(row), id: row.id, version: row.version, createdAt: isoOfNs(BigInt(row.createdAtNs)), updatedAt: isoOfNs(BigInt(row.updatedAtNs)) }
}

function summaryOf(row: DashboardRowOut): DashboardSummary {
  const definition = definitionOf(row)
  return {
    id: row.id,
    name: row.name,
    description: definition.description ?? '',
    tags: definition.tags ?? [],
    panelCount: definition.panels.length,
    version: row.version,
    createdAt: isoOfNs(BigInt(row.createdAtNs)),
    updatedAt: isoOfNs(BigInt(row.updatedAtNs)),
  }
}
