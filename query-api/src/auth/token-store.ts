/**
 * Query tokens in the store: creation (the plaintext is returned once and never stored),
 * lookup by token id for the resolver, listing and revocation for the /tokens routes.
 */
import type { Store } from '@periscope/store'
import type { QueryRunner } from '../sql/query-runner.ts'
import { tenantTokenQuery, tokenByIdQuery, type TokenRecordRow } from '../queries/tokens.ts'
import { generateToken, hashSecret, isRole, parseToken, TOKEN_PREFIX, type Role } from './query-token.ts'

export const QUERY_TOKENS_TABLE = 'query_tokens'

/** What the resolver caches: never the secret, only its hash. */
export interface TokenRecord {
  tokenId: string
  tenantId: string
  tokenHash: string
  role: Role
  revoked: boolean
}

export interface CreatedToken {
  tokenId: string
  tenantId: string
  role: Role
  name: string
  /** the bearer token; shown once */
  plaintext: string
  createdAtNs: bigint
}

export interface CreateTokenOptions {
  name?: string
  /** an operator-chosen token (PERISCOPE_ADMIN_TOKEN); otherwise one is generated */
  plaintext?: string
  nowNs?: bigint
}

const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/

function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n
}

/**
 * Creates a token for a tenant and returns its plaintext, the only time it exists outside the
 * caller. Throws for an invalid tenant id, role or operator token (those are programming or
 * configuration errors, checked before anything is written).
 */
export async function createQueryToken(store: Pick<Store, 'insert'>, tenantId: string, role: Role, options: CreateTokenOptions = {}): Promise<CreatedToken> {
  if (!TENANT_ID.test(tenantId)) throw new Error(`invalid tenant id ${JSON.stringify(tenantId)}`)
  if (!isRole(role)) throw new Error(`invalid role ${JSON.stringify(role)}: use viewer, editor or admin`)
  let tokenId: string
  let tokenHash: string
  let plaintext: string
  if (options.plaintext !== undefined) {
    const parsed = parseToken(options.plaintext)
    if (!parsed) throw new Error('an operator token must be 16–256 printable ASCII characters without spaces')
    ;({ tokenId } = parsed)
    tokenHash = hashSecret(parsed.secret)
    plaintext = options.plaintext
  } else {
    ;({ tokenId, tokenHash, plaintext } = generateToken())
  }
  const createdAtNs = options.nowNs ?? nowNs()
  const name = options.name ?? `${role} token`
  await store.insert(QUERY_TOKENS_TABLE, [
    {
      TenantId: tenantId,
      TokenId: tokenId,
      TokenPrefix: options.plaintext === undefined ? `${TOKEN_PREFIX}${tokenId}` : `custom:${tokenId}`,
      TokenHash: tokenHash,
      Name: name,
      Role: role,
      CreatedAt: createdAtNs,
      RevokedAt: 0n,
      Version: createdAtNs,
      Deleted: 0,
    },
  ])
  return { tokenId, tenantId, role, name, plaintext, createdAtNs }
}

/** Revokes a tenant's token; false when the tenant has no such live token. */
export async function revokeQueryToken(store: Pick<Store, 'insert'>, runner: QueryRunner, tenantId: string, tokenId: string, at: bigint = nowNs()): Promise<boolean> {
  const [row] = await runner.rows<TokenRecordRow>(tenantTokenQuery(tenantId, tokenId), { tenantId })
  if (!row) return false
  if (row.revokedAtNs !== '0') return true
  const version = at > BigInt(row.version) ? at : BigInt(row.version) + 1n
  await store.insert(QUERY_TOKENS_TABLE, [
    {
      TenantId: row.tenantId,
      TokenId: row.tokenId,
      TokenPrefix: row.tokenPrefix,
      TokenHash: row.tokenHash,
      Name: row.name,
      Role: row.role,
      CreatedAt: BigInt(row.createdAtNs),
      RevokedAt: at,
      Version: version,
      Deleted: 0,
    },
  ])
  return true
}

/** The lookup the resolver uses; null when no row (or, impossibly, two tenants') has the id. */
export function createStoreTokenSource(runner: QueryRunner): { findToken(tokenId: string): Promise<TokenRecord | null> } {
  return {
    async findToken(tokenId) {
      const rows = await runner.rows<TokenRecordRow>(tokenByIdQuery(tokenId), { tenantId: ':auth' })
      if (rows.length !== 1) return null
      const row = rows[0]!
      if (!isRole(row.role)) return null
      return { tokenId: row.tokenId, tenantId: row.tenantId, tokenHash: row.tokenHash, role: row.role, revoked: row.revokedAtNs !== '0' }
    },
  }
}
