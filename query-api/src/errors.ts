/**
 * Every error the query API answers with, declared once. Bodies are application/problem+json
 * (runtime's problemErrorHandler): 4xx carry the code and message, 5xx a generic detail.
 *
 *   PERISCOPE_ERR_QUERY_BAD_REQUEST        400  a parameter is malformed (time, step, cursor, id, filter)
 *   PERISCOPE_ERR_QUERY_RANGE_TOO_WIDE     400  to − from exceeds `limits.maxRangeMs`
 *   PERISCOPE_ERR_QUERY_UNAUTHENTICATED    401  no bearer token, or an unknown or revoked one
 *   PERISCOPE_ERR_QUERY_FORBIDDEN          403  the token's role may not do this
 *   PERISCOPE_ERR_QUERY_NOT_FOUND          404  no such trace, service, dashboard, token
 *   PERISCOPE_ERR_QUERY_PRECONDITION_FAILED 412 If-Match names another version of the resource
 *   PERISCOPE_ERR_QUERY_RESULT_TOO_LARGE   422  the answer exceeds `limits.maxResultRows`; narrow the query
 *   PERISCOPE_ERR_QUERY_TOO_MANY_QUERIES   429  the tenant's concurrency slots and queue are full (Retry-After)
 *   PERISCOPE_ERR_QUERY_ABORTED            499  the client went away; the statement was cancelled (no one reads this)
 *   PERISCOPE_ERR_QUERY_STORE_FAILED       500  the engine failed the statement (logged in full)
 *   PERISCOPE_ERR_QUERY_TOKENS_UNAVAILABLE 503  tokens cannot be read and none is cached (Retry-After)
 *   PERISCOPE_ERR_QUERY_TIMEOUT            504  the statement ran past `limits.maxExecutionTimeMs`
 */
import { createError } from '@periscope/runtime'

export const BadRequest = createError<[string]>('PERISCOPE_ERR_QUERY_BAD_REQUEST', '%s', 400)
export const RangeTooWide = createError<[number, number]>(
  'PERISCOPE_ERR_QUERY_RANGE_TOO_WIDE',
  'the time range spans %d ms; the maximum is %d ms (limits.maxRangeMs): narrow from/to',
  400,
)
export const Unauthenticated = createError<[string]>('PERISCOPE_ERR_QUERY_UNAUTHENTICATED', '%s', 401)
export const Forbidden = createError<[string, string]>('PERISCOPE_ERR_QUERY_FORBIDDEN', 'this needs the %s role; the token has %s', 403)
export const NotFound = createError<[string]>('PERISCOPE_ERR_QUERY_NOT_FOUND', '%s', 404)
export const PreconditionFailed = createError<[string]>('PERISCOPE_ERR_QUERY_PRECONDITION_FAILED', '%s', 412)
export const ResultTooLarge = createError<[number]>(
  'PERISCOPE_ERR_QUERY_RESULT_TOO_LARGE',
  'the answer has more than %d rows (limits.maxResultRows): narrow the range, the filters or the grouping',
  422,
)
export const TooManyQueries = createError<[string]>('PERISCOPE_ERR_QUERY_TOO_MANY_QUERIES', '%s', 429)
export const QueryAborted = createError<[string]>('PERISCOPE_ERR_QUERY_ABORTED', 'query %s was cancelled: the client went away', 499)
export const StoreFailed = createError<[string]>('PERISCOPE_ERR_QUERY_STORE_FAILED', 'query %s failed', 500)
export const TokensUnavailable = createError<[]>('PERISCOPE_ERR_QUERY_TOKENS_UNAVAILABLE', 'tokens cannot be checked right now; retry later', 503)
export const QueryTimeout = createError<[number]>(
  'PERISCOPE_ERR_QUERY_TIMEOUT',
  'the query ran longer than %d ms (limits.maxExecutionTimeMs): narrow the range or the filters',
  504,
)

/** Attaches Retry-After (whole seconds, at least 1) to an error; the problem handler sends it. */
export function withRetryAfter<E extends Error>(error: E, retryAfterMs: number): E {
  Object.assign(error, { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) } })
  return error
}
