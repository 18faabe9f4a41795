/**
 * Authentication and authorization of /api/v1: an onRequest hook resolves the bearer token to
 * tenant and role before anything else of the request is read, then checks the route's
 * minimum role. Every route is tenant-scoped by the resolved tenant; nothing in a request can
 * name another tenant.
 *
 * A route's minimum role is `config.minRole`, by default viewer for GET/HEAD and editor for
 * everything else; `config.public: true` skips authentication (the OpenAPI document).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Logger } from '@periscope/runtime'
import { Forbidden, TokensUnavailable, Unauthenticated, withRetryAfter } from '../errors.ts'
import { bearerToken, roleAtLeast, type Role } from './query-token.ts'
import type { TokenResolver } from './token-resolver.ts'

export interface Auth {
  readonly tenantId: string
  readonly role: Role
  readonly tokenId: string
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null
  }
  interface FastifyContextConfig {
    /** the least role that may call the route */
    minRole?: Role
    /** no token needed */
    public?: boolean
  }
}

export function registerAuth(api: FastifyInstance, options: { tokens: TokenResolver; logger: Logger }): void {
  api.decorateRequest('auth', null)
  api.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config
    if (config?.public) return
    const token = bearerToken(request.headers.authorization)
    if (token === null) throw new Unauthenticated('missing token: send Authorization: Bearer <token>')
    const outcome = await options.tokens.resolve(token)
    if (!outcome.ok) {
      if (outcome.reason === 'unavailable') {
        options.logger.warn({ err: outcome.error }, 'query token lookup failed')
        throw withRetryAfter(new TokensUnavailable(), 1000)
      }
      throw new Unauthenticated(outcome.reason === 'revoked' ? 'the token was revoked' : 'unknown token')
    }
    const needed = config?.minRole ?? (request.method === 'GET' || request.method === 'HEAD' ? 'viewer' : 'editor')
    if (!roleAtLeast(outcome.role, needed)) throw new Forbidden(needed, outcome.role)
    request.auth = { tenantId: outcome.tenantId, role: outcome.role, tokenId: outcome.tokenId }
  })
}

/** The caller's identity; routes behind registerAuth always have one. */
export function authOf(request: FastifyRequest): Auth {
  if (!request.auth) throw new Error(`route ${request.routeOptions.url} ran without authentication`)
  return request.auth
}
