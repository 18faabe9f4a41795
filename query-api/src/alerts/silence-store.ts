/**
 * Silences in `silences` (migration 0004; ReplacingMergeTree(Version, Deleted)): Matchers is
 * JSON [{label, op, value}]; a silence applies while StartsAt ≤ now < EndsAt. Deleting a
 * silence through the API expires it (EndsAt = now) so the record stays visible as expired.
 */
import type { SqlQuery } from '../sql/query-runner.ts'
import type { SilenceMatcher } from './labels.ts'

export const SILENCES_TABLE = 'silences'

export interface SilenceRecord {
  readonly tenantId: string
  readonly id: string
  readonly matchers: readonly SilenceMatcher[]
  readonly startsAtNs: string
  readonly endsAtNs: string
  readonly comment: string
  readonly createdBy: string
  readonly version: string
  readonly createdAtNs: string
  readonly updatedAtNs: string
}

export interface SilenceRow {
  TenantId: string
  SilenceId: string
  Matchers: string
  StartsAt: bigint
  EndsAt: bigint
  Comment: string
  CreatedBy: string
  CreatedAt: bigint
  UpdatedAt: bigint
  Version: bigint
  Deleted: 0 | 1
}

interface RawSilence extends Omit<SilenceRecord, 'matchers'> {
  matchers: string
}

const COLUMNS = `TenantId AS tenantId, SilenceId AS id, Matchers AS matchers, toUnixTimestamp64Nano(StartsAt) AS startsAtNs,
       toUnixTimestamp64Nano(EndsAt) AS endsAtNs, Comment AS comment, CreatedBy AS createdBy, Version AS version,
       toUnixTimestamp64Nano(CreatedAt) AS createdAtNs, toUnixTimestamp64Nano(UpdatedAt) AS updatedAtNs`

export function silenceOf(raw: RawSilence): SilenceRecord {
  return { ...raw, matchers: JSON.parse(raw.matchers) as SilenceMatcher[] }
}

export function getSilenceQuery(tenantId: string, id: string): SqlQuery {
  return {
    name: 'silences.get',
    sql: `SELECT ${COLUMNS} FROM silences FINAL WHERE TenantId = {tenantId:String} AND SilenceId = {id:String} AND Deleted = 0`,
    params: { tenantId, id },
  }
}

/** Newest end first: active and pending silences, then recently expired ones. */
export function listSilencesQuery(tenantId: string, limit: number): SqlQuery {
  return {
    name: 'silences.list',
    sql: `SELECT ${COLUMNS} FROM silences FINAL WHERE TenantId = {tenantId:String} AND Deleted = 0 ORDER BY EndsAt DESC, id LIMIT {limit:UInt32}`,
    params: { tenantId, limit },
  }
}

/** Every tenant's silences in force at nowNs (the evaluator). */
export function activeSilencesQuery(nowNs: bigint, limit: number): SqlQuery {
  return {
    name: 'silences.active',
    sql: `SELECT ${COLUMNS} FROM silences FINAL
WHERE Deleted = 0 AND StartsAt <= fromUnixTimestamp64Nano({nowNs:Int64}, 'UTC') AND EndsAt > fromUnixTimestamp64Nano({nowNs:Int64}, 'UTC')
ORDER BY tenantId, id LIMIT {limit:UInt32}`,
    params: { nowNs: nowNs.toString(), limit },
    unscoped: true,
  }
}

export function silenceRowOf(
  tenantId: string,
  id: string,
  input: { matchers: readonly SilenceMatcher[]; startsAtNs: bigint; endsAtNs: bigint; comment: string; createdBy: string },
  at: { createdAtNs: bigint; version: bigint },
): SilenceRow {
  return {
    TenantId: tenantId,
    SilenceId: id,
    Matchers: JSON.stringify(input.matchers),
    StartsAt: input.startsAtNs,
    EndsAt: input.endsAtNs,
    Comment: input.comment,
    CreatedBy: input.createdBy,
    CreatedAt: at.createdAtNs,
    UpdatedAt: at.version,
    Version: at.version,
    Deleted: 0,
  }
}

export function silenceState(silence: Pick<SilenceRecord, 'startsAtNs' | 'endsAtNs'>, nowNs: bigint): 'pending' | 'active' | 'expired' {
  if (BigInt(silence.endsAtNs) <= nowNs) return 'expired'
  return BigInt(silence.startsAtNs) > nowNs ? 'pending' : 'active'
}
