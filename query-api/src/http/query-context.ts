/**
 * The per-request context of a query: the caller's tenant and an AbortSignal that fires when the
 * client goes away before the answer is sent, so a statement nobody waits for stops early.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { authOf } from '../auth/auth-hook.ts'
import type { QueryContext } from '../sql/query-runner.ts'

export function queryContextOf(request: FastifyRequest, reply: FastifyReply): QueryContext {
  const { tenantId } = authOf(request)
  const controller = new AbortController()
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort()
  })
  return { tenantId, signal: controller.signal }
}
