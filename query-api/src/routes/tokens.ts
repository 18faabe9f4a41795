/**
 * Query tokens of the caller's tenant (admin role): list, create (the plaintext is in the
 * answer once and never again), revoke. A revoked token stops working within
 * tokens.cacheTtlMs (every instance's cache must expire it).
 */
import { Type } from 'typebox'
import { createQueryToken, revokeQueryToken } from '../auth/token-store.ts'
import { authOf } from '../auth/auth-hook.ts'
import { NotFound } from '../errors.ts'
import { noStore } from '../http/cache-headers.ts'
import { queryContextOf } from '../http/query-context.ts'
import { listTokensQuery, type TokenRecordRow } from '../queries/tokens.ts'
import { PROBLEM_RESPONSES, Problem } from '../schemas/common.ts'
import { CreateTokenBody, CreatedTokenResponse, TokenParams, TokensResponse, type TokenInfo } from '../schemas/tokens.ts'
import { isoOfNs } from '../time/iso.ts'
import type { RouteModule } from './route-module.ts'

const MAX_TOKENS_LISTED = 1000

export const tokensRoutes: RouteModule = {
  name: 'tokens',
  register(api, ctx) {
    api.get('/tokens', {
      config: { minRole: 'admin' },
      schema: { tags: ['tokens'], summary: "the tenant's query tokens (never their secrets)", response: { 200: TokensResponse, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const context = queryContextOf(request, reply)
      const rows = await ctx.runner.rows<TokenRecordRow>(listTokensQuery(context.tenantId, MAX_TOKENS_LISTED), context)
      noStore(reply)
      return { tokens: rows.map(tokenInfo) }
    })

    api.post('/tokens', {
      config: { minRole: 'admin' },
      schema: { tags: ['tokens'], summary: 'create a token; its plaintext is returned only in this answer', body: CreateTokenBody, response: { 201: CreatedTokenResponse, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const { tenantId } = authOf(request)
      const created = await createQueryToken(ctx.store, tenantId, request.body.role, { name: request.body.name, nowNs: BigInt(ctx.clock.nowMs()) * 1_000_000n })
      noStore(reply)
      return reply.code(201).send({ id: created.tokenId, name: created.name, role: created.role, token: created.plaintext, createdAt: isoOfNs(created.createdAtNs) })
    })

    api.delete('/tokens/:id', {
      config: { minRole: 'admin' },
      schema: { tags: ['tokens'], summary: 'revoke a token', params: TokenParams, response: { 204: Type.Null({ description: 'revoked' }), 404: Problem, ...PROBLEM_RESPONSES } },
    }, async (request, reply) => {
      const context = queryContextOf(request, reply)
      const found = await revokeQueryToken(ctx.store, ctx.runner, context.tenantId, request.params.id, BigInt(ctx.clock.nowMs()) * 1_000_000n)
      if (!found) throw new NotFound(`no token ${request.params.id}`)
      return reply.code(204).send(null)
    })
  },
}

function tokenInfo(row: TokenRecordRow): TokenInfo {
  return {
    id: row.tokenId,
    name: row.name,
    role: row.role as TokenInfo['role'],
    prefix: row.tokenPrefix,
    createdAt: isoOfNs(BigInt(row.createdAtNs)),
    revokedAt: row.revokedAtNs === '0' ? null : isoOfNs(BigInt(row.revokedAtNs)),
  }
}
