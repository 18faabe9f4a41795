/**
 * SQL over dashboards (ReplacingMergeTree(Version, Deleted)): FINAL picks each board's latest
 * row, Deleted = 0 hides deleted ones. Writes are inserts of whole rows (routes/dashboards.ts).
 */
import type { SqlQuery } from '../sql/query-runner.ts'

export const DASHBOARDS_TABLE = 'dashboards'

export interface DashboardRowOut {
  id: string
  name: string
  definition: string
  createdAtNs: string
  updatedAtNs: string
  version: string
}

const COLUMNS = `DashboardId AS id, Name AS name, Definition AS definition,
       toUnixTimestamp64Nano(CreatedAt) AS createdAtNs, toUnixTimestamp64Nano(UpdatedAt) AS updatedAtNs, Version AS version`

export function dashboardQuery(tenantId: string, id: string): SqlQuery {
  return {
    name: 'dashboards.get',
    sql: `SELECT ${COLUMNS}
FROM dashboards FINAL
WHERE TenantId = {tenantId:String} AND DashboardId = {id:String} AND Deleted = 0`,
    params: { tenantId, id },
  }
}

export function listDashboardsQuery(tenantId: string, limit: number): SqlQuery {
  return {
    name: 'dashboards.list',
    sql: `SELECT ${COLUMNS}
FROM dashboards FINAL
WHERE TenantId = {tenantId:String} AND Deleted = 0
ORDER BY name, id
LIMIT {limit:UInt32}`,
    params: { tenantId, limit },
  }
}
