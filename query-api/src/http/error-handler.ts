/**
 * The query API's error handler: runtime's problemErrorHandler (application/problem+json; 4xx
 * with code and message, 5xx generic and logged in full), except for the 5xx answers that are
 * expected operating conditions rather than faults — a statement past max_execution_time (504)
 * and tokens that cannot be read (503). Those say what happened and what to do, carry their
 * headers (Retry-After), and are logged at warn where they arise, not as errors here.
 */
import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { isPeriscopeError, problemErrorHandler, PROBLEM_CONTENT_TYPE, type Logger, type Problem } from '@periscope/runtime'
import { QueryTimeout, TokensUnavailable } from '../errors.ts'

const EXPECTED_5XX = new Set([QueryTimeout.code, TokensUnavailable.code])

export function queryApiErrorHandler(logger: Logger) {
  const fallback = problemErrorHandler(logger)
  return function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    if (isPeriscopeError(error) && EXPECTED_5XX.has(error.code)) {
      const headers = (error as { headers?: Record<string, string> }).headers
      if (headers) reply.headers(headers)
      const problem: Problem = { type: 'about:blank', title: STATUS_CODES[error.statusCode] ?? 'Error', status: error.statusCode, detail: error.message, code: error.code }
      return reply.code(error.statusCode).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem))
    }
    return fallback(error, request, reply)
  }
}
