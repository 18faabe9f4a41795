/**
 * SLOs in the `slos` table (ReplacingMergeTree(Version, Deleted)): reads with FINAL and
 * Deleted = 0, writes as whole new rows with a larger Version (unix ns of the write).
 * ThresholdNs holds thresholdMs · 10⁶; SpanName '' means every operation.
 */
import type { SloRow } from '@periscope/store'
import type { SqlQuery } from '../sql/query-runner.ts'
import type { SloInput } from '../schemas/slos.ts'

export const SLOS_TABLE = 'slos'

export interface SloRecord {
  readonly tenantId: string
  readonly id: string
  readonly name: string
  readonly description: string
  readonly service: string
  /** '' = every operation */
  readonly operation: string
  readonly sli: 'availability' | 'latency'
  readonly objective: number
  /** 0 for availability SLIs */
  readonly thresholdNs: number
  readonly windowDays: number
  readonly version: string
  readonly createdAtNs: string
  readonly updatedAtNs: string
}

const COLUMNS = `TenantId AS tenantId, SloId AS id, Name AS name, Description AS description, ServiceName AS service,
       SpanName AS operation, Kind AS sli, ObjectivePercent AS objective, ThresholdNs AS thresholdNs, WindowDays AS windowDays,
       Version AS version, toUnixTimestamp64Nano(CreatedAt) AS createdAtNs, toUnixTimestamp64Nano(UpdatedAt) AS updatedAtNs`

interface RawSlo extends Omit<SloRecord, 'thresholdNs'> {
  thresholdNs: string | number
}

export function recordOf(raw: RawSlo): SloRecord {
  return { ...raw, thresholdNs: Number(raw.thresholdNs), windowDays: Number(raw.windowDays), objective: Number(raw.objective) }
}

export function getSloQuery(tenantId: string, id: string): SqlQuery {
  return {
    name: 'slos.get',
    sql: `SELECT ${COLUMNS} FROM slos FINAL WHERE TenantId = {tenantId:String} AND SloId = {id:String} AND Deleted = 0`,
    params: { tenantId, id },
  }
}

export function listSlosQuery(tenantId: string, limit: number): SqlQuery {
  return {
    name: 'slos.list',
    sql: `SELECT ${COLUMNS} FROM slos FINAL WHERE TenantId = {tenantId:String} AND Deleted = 0 ORDER BY service, name, id LIMIT {limit:UInt32}`,
    params: { tenantId, limit },
  }
}

/** The evaluator's view: the SLOs of every tenant (burn rules name them by id). */
export function allSlosQuery(limit: number): SqlQuery {
  return {
    name: 'slos.all',
    sql: `SELECT ${COLUMNS} FROM slos FINAL WHERE Deleted = 0 ORDER BY tenantId, id LIMIT {limit:UInt32}`,
    params: { limit },
    unscoped: true,
  }
}

export function sloRowOf(tenantId: string, id: string, input: SloInput, at: { createdAtNs: bigint; version: bigint }, deleted = false): SloRow {
  return {
    TenantId: tenantId,
    SloId: id,
    Name: input.name,
    Description: input.description ?? '',
    ServiceName: input.service,
    SpanName: input.operation ?? '',
    Kind: input.sli,
    ObjectivePercent: input.objective,
    ThresholdNs: input.sli === 'latency' ? BigInt(Math.round((input.thresholdMs ?? 0) * 1e6)) : 0n,
    WindowDays: input.windowDays ?? 30,
    CreatedAt: at.createdAtNs,
    UpdatedAt: at.version,
    Version: at.version,
    Deleted: deleted ? 1 : 0,
  }
}

export function inputOf(record: SloRecord): SloInput {
  return {
    name: record.name,
    ...(record.description ? { description: record.description } : {}),
    service: record.service,
    ...(record.operation ? { operation: record.operation } : {}),
    sli: record.sli,
    objective: record.objective,
    ...(record.sli === 'latency' ? { thresholdMs: record.thresholdNs / 1e6 } : {}),
    windowDays: record.windowDays as 7 | 28 | 30,
  }
}
