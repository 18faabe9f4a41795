/**
 * Channels in `channels` (ReplacingMergeTree(Version, Deleted)): Kind is the channel type and
 * Config the JSON of its configuration, secrets included (they are needed to send; the API
 * never answers them — channel-config.ts redacts).
 */
import type { ChannelRow } from '@periscope/store'
import type { SqlQuery } from '../sql/query-runner.ts'
import type { ChannelConfig } from './channel-config.ts'
import type { ChannelType } from './notification.ts'

export const CHANNELS_TABLE = 'channels'

export interface ChannelRecord {
  readonly tenantId: string
  readonly id: string
  readonly name: string
  readonly type: ChannelType
  readonly config: ChannelConfig
  readonly version: string
  readonly createdAtNs: string
  readonly updatedAtNs: string
}

interface RawChannel extends Omit<ChannelRecord, 'config'> {
  config: string
}

const COLUMNS = `TenantId AS tenantId, ChannelId AS id, Name AS name, Kind AS type, Config AS config, Version AS version,
       toUnixTimestamp64Nano(CreatedAt) AS createdAtNs, toUnixTimestamp64Nano(UpdatedAt) AS updatedAtNs`

export function channelOf(raw: RawChannel): ChannelRecord {
  return { ...raw, config: JSON.parse(raw.config) as ChannelConfig }
}

export function getChannelQuery(tenantId: string, id: string): SqlQuery {
  return {
    name: 'channels.get',
    sql: `SELECT ${COLUMNS} FROM channels FINAL WHERE TenantId = {tenantId:String} AND ChannelId = {id:String} AND Deleted = 0`,
    params: { tenantId, id },
  }
}

export function listChannelsQuery(tenantId: string, limit: number): SqlQuery {
  return {
    name: 'channels.list',
    sql: `SELECT ${COLUMNS} FROM channels FINAL WHERE TenantId = {tenantId:String} AND Deleted = 0 ORDER BY name, id LIMIT {limit:UInt32}`,
    params: { tenantId, limit },
  }
}

/** Channels of one tenant by id (the evaluator, at delivery time: edits apply to the next send). */
export function channelsByIdQuery(tenantId: string, ids: readonly string[]): SqlQuery {
  return {
    name: 'channels.by_id',
    sql: `SELECT ${COLUMNS} FROM channels FINAL WHERE TenantId = {tenantId:String} AND ChannelId IN {ids:Array(String)} AND Deleted = 0`,
    params: { tenantId, ids: [...ids] },
  }
}

export function channelRowOf(tenantId: string, id: string, input: { name: string; type: ChannelType; config: ChannelConfig }, at: { createdAtNs: bigint; version: bigint }, deleted = false): ChannelRow {
  return {
    TenantId: tenantId,
    ChannelId: id,
    Name: input.name,
    Kind: input.type,
    Config: JSON.stringify(input.config),
    CreatedAt: at.createdAtNs,
    UpdatedAt: at.version,
    Version: at.version,
    Deleted: deleted ? 1 : 0,
  }
}
