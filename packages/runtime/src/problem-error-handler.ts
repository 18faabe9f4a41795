/**
 * The one HTTP error handler of a fastify service, answering RFC 9457 application/problem+json:
 *   { "type": "about:blank", "title": "<HTTP reason>", "status": 413, "detail": "<message>", "code": "PERISCOPE_ERR_…" }
 * 4xx (the client's fault) answer with the error's code and message and are not logged.
 * 5xx answer generically — internals (SQL, hostnames, stack traces) never reach the client —
 * and are logged in full at error level with the request id, which the detail quotes.
 * Headers an error carries (e.g. `headers: { 'retry-after': '5' }`) are sent along.
 */
import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { isPeriscopeError } from './errors.ts'

export interface Problem {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail: string
  readonly code: string
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

export function problemErrorHandler(logger: Logger) {
  return function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const status = statusOf(error)
    const headers = (error as { headers?: unknown }).headers
    if (typeof headers === 'object' && headers !== null) reply.headers(headers as Record<string, string>)

    let problem: Problem
    if (status < 500) {
      problem = { type: 'about:blank', title: STATUS_CODES[status] ?? 'Client Error', status, detail: error.message, code: codeOf(error, 'PERISCOPE_ERR_BAD_REQUEST') }
    } else {
      logger.error({ err: error, reqId: request.id, method: request.method, url: request.routeOptions.url ?? request.url }, 'request failed')
      problem = {
        type: 'about:blank',
        title: STATUS_CODES[status] ?? 'Server Error',
        status,
        detail: `the server could not complete the request; see the server log for request id ${request.id}`,
        // A coded error's code is documented and safe to show; anything else is just "internal".
        code: isPeriscopeError(error) ? error.code : 'PERISCOPE_ERR_INTERNAL',
      }
    }
    return reply.code(status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem))
  }
}

/** A 404 for unknown routes in the same format (for app.setNotFoundHandler). */
export function problemNotFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem: Problem = { type: 'about:blank', title: 'Not Found', status: 404, detail: `no route for ${request.method} ${request.url.split('?')[0] ?? ''}`, code: 'PERISCOPE_ERR_NOT_FOUND' }
  return reply.code(404).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem))
}

function statusOf(error: Error): number {
  const status = (error as { statusCode?: unknown }).statusCode ?? (error as { status?: unknown }).status
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500
}

function codeOf(error: Error, fallback: string): string {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && code !== '' ? code : fallback
}
