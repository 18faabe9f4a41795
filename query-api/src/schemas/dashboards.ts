/**
 * Dashboards: saved boards of panels. CRUD on /dashboards; a board is validated against
 * DashboardDefinition (and panel ids unique, panels within the 24-column grid) before it is
 * stored. Each panel names a query of this API, so the UI renders a board by calling the
 * routes the panel names with the board's time range.
 * Versions: every write gets a new `version`; GET answers it as the ETag, and PUT/DELETE with
 * If-Match refuse (412) to overwrite a version the client has not seen.
 */
import { Type, type Static } from 'typebox'
import { AGGREGATIONS } from './metrics.ts'

export const PANEL_SIGNALS = ['rps', 'errorRate', 'p50Ms', 'p90Ms', 'p95Ms', 'p99Ms', 'maxMs', 'saturation', 'utilization'] as const
export const PANEL_TYPES = ['timeseries', 'stat', 'table', 'bar', 'logs', 'traces', 'text'] as const

const Name = Type.String({ minLength: 1, maxLength: 256 })
const Label = Type.String({ minLength: 1, maxLength: 256 })

export const PanelQuery = Type.Union([
  Type.Object({ source: Type.Literal('services') }, { additionalProperties: false }),
  Type.Object(
    {
      source: Type.Literal('signals'),
      service: Name,
      operation: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
      signals: Type.Array(Type.Enum(PANEL_SIGNALS), { minItems: 1, maxItems: 9 }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ source: Type.Literal('operations'), service: Name }, { additionalProperties: false }),
  Type.Object(
    {
      source: Type.Literal('metrics'),
      name: Type.String({ minLength: 1, maxLength: 512 }),
      aggregation: Type.Optional(Type.Enum(AGGREGATIONS)),
      groupBy: Type.Optional(Type.Array(Label, { maxItems: 5 })),
      labels: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 256 }), Type.String({ maxLength: 4096 }), { maxProperties: 8 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      source: Type.Literal('logs'),
      q: Type.Optional(Type.String({ maxLength: 1024 })),
      service: Type.Optional(Name),
      severity: Type.Optional(Type.String({ maxLength: 256 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      source: Type.Literal('traces'),
      service: Type.Optional(Name),
      operation: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
      status: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('unset')])),
      minDurationMs: Type.Optional(Type.Number({ minimum: 0 })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ source: Type.Literal('text'), markdown: Type.String({ maxLength: 20_000 }) }, { additionalProperties: false }),
])
export type PanelQuery = Static<typeof PanelQuery>

export const Panel = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    title: Type.String({ maxLength: 256 }),
    type: Type.Enum(PANEL_TYPES),
    query: PanelQuery,
    layout: Type.Object(
      {
        x: Type.Integer({ minimum: 0, maximum: 23 }),
        y: Type.Integer({ minimum: 0, maximum: 10_000 }),
        w: Type.Integer({ minimum: 1, maximum: 24 }),
        h: Type.Integer({ minimum: 1, maximum: 100 }),
      },
      { additionalProperties: false },
    ),
    unit: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
)
export type Panel = Static<typeof Panel>

export const DashboardDefinition = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    description: Type.Optional(Type.String({ maxLength: 4096 })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20 })),
    timeRange: Type.Optional(
      Type.Object(
        {
          from: Type.String({ maxLength: 64, description: 'RFC 3339, unix ms, or relative: now-15m, now-6h, now-7d' }),
          to: Type.String({ maxLength: 64 }),
        },
        { additionalProperties: false },
      ),
    ),
    refreshSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 86_400 })),
    panels: Type.Array(Panel, { maxItems: 100 }),
  },
  { additionalProperties: false },
)
export type DashboardDefinition = Static<typeof DashboardDefinition>

export const Dashboard = Type.Intersect([
  DashboardDefinition,
  Type.Object({
    id: Type.String(),
    version: Type.String({ description: 'changes on every write; the ETag' }),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  }),
])
export type Dashboard = Static<typeof Dashboard>

export const DashboardSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  tags: Type.Array(Type.String()),
  panelCount: Type.Integer(),
  version: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
})
export type DashboardSummary = Static<typeof DashboardSummary>

export const DashboardsResponse = Type.Object({ dashboards: Type.Array(DashboardSummary) })
export type DashboardsResponse = Static<typeof DashboardsResponse>

export const DashboardParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' }) })
