/**
 * SQL over query_tokens (ReplacingMergeTree(Version, Deleted)): readers use FINAL and skip
 * deleted rows; a change is a new row with a larger Version (see migrations/0003_config.sql).
 */
import type { SqlQuery } from '../sql/query-runner.ts'

export interface TokenRecordRow {
  tenantId: string
  tokenId: string
  tokenPrefix: string
  tokenHash: string
  name: string
  role: string
  createdAtNs: string
  /** '0' while the token is live */
  revokedAtNs: string
  version: string
}

const COLUMNS = `TenantId AS tenantId, TokenId AS tokenId, TokenPrefix AS tokenPrefix, TokenHash AS tokenHash, Name AS name,
       Role AS role, toUnixTimestamp64Nano(CreatedAt) AS createdAtNs, toUnixTimestamp64Nano(RevokedAt) AS revokedAtNs, Version AS version`

/** By token id across tenants: the only unscoped query (it finds the tenant). */
export function tokenByIdQuery(tokenId: string): SqlQuery {
  return {
    name: 'tokens.by_id',
    unscoped: true,
    sql: `SELECT ${COLUMNS}
FROM query_tokens FINAL
WHERE TokenId = {tokenId:String} AND Deleted = 0
LIMIT 2`,
    params: { tokenId },
  }
}

export function tenantTokenQuery(tenantId: string, tokenId: string): SqlQuery {
  return {
    name: 'tokens.get',
    sql: `SELECT ${COLUMNS}
FROM query_tokens FINAL
WHERE TenantId = {tenantId:String} AND TokenId = {tokenId:String} AND Deleted = 0`,
    params: { tenantId, tokenId },
  }
}

export function listTokensQuery(tenantId: string, limit: number): SqlQuery {
  return {
    name: 'tokens.list',
    sql: `SELECT ${COLUMNS}
FROM query_tokens FINAL
WHERE TenantId = {tenantId:String} AND Deleted = 0
ORDER BY CreatedAt DESC, TokenId
LIMIT {limit:UInt32}`,
    params: { tenantId, limit },
  }
}
