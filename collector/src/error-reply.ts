/**
 * The collector's one error handler. OTLP/HTTP says a refused request is answered with a
 * google.rpc.Status in the request's encoding (protobuf or JSON; JSON when the request's own
 * Content-Type was not one of the two), and that 429/503 carry Retry-After.
 *
 * 4xx answer with the error's message (it is the client's to fix) and are not logged; 503 answer
 * with theirs (the app logged the cause); any other 5xx answers generically and is logged in full. Fastify's own client errors (body too large, bad
 * Content-Length, unknown media type) keep their 4xx status: nothing a client sends becomes a 500.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { encodeRpcStatus } from '@periscope/model'
import { encodingOf } from './request-body.ts'

/** HTTP status → google.rpc.Code, as the OTLP/HTTP and gRPC-HTTP mappings pair them. */
const RPC_CODE: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  413: 3, // INVALID_ARGUMENT: the client must send less
  415: 3,
  429: 8, // RESOURCE_EXHAUSTED
  503: 14, // UNAVAILABLE
}

export const CONTENT_TYPES = { protobuf: 'application/x-protobuf', json: 'application/json' } as const

/** Seconds for a Retry-After header: whole, at least 1. */
export function retryAfterSeconds(retryAfterMs: number | undefined): number {
  return Math.max(1, Math.ceil((retryAfterMs ?? 1000) / 1000))
}

/** Marks an error to be answered with Retry-After. */
export function withRetryAfter<E extends Error>(error: E, retryAfterMs: number | undefined): E {
  ;(error as E & { headers?: Record<string, string> }).headers = { 'retry-after': String(retryAfterSeconds(retryAfterMs)) }
  return error
}

export function statusOf(error: unknown): number {
  const status = (error as { statusCode?: unknown }).statusCode
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500
}

export function sendStatus(reply: FastifyReply, request: FastifyRequest, status: number, message: string): FastifyReply {
  const encoding = encodingOf(request.headers['content-type']) ?? 'json'
  const body = encodeRpcStatus({ code: RPC_CODE[status] ?? 13, message }, encoding)
  return reply
    .code(status)
    .header('content-type', CONTENT_TYPES[encoding])
    .send(Buffer.from(body.buffer, body.byteOffset, body.byteLength))
}

export function collectorErrorHandler(logger: Logger) {
  return function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const status = statusOf(error)
    const headers = (error as { headers?: unknown }).headers
    if (typeof headers === 'object' && headers !== null) reply.headers(headers as Record<string, string>)
    if (status < 500) return sendStatus(reply, request, status, error.message)
    // 503s are the app's own refusals (bus, keys, capacity), logged there once per interval
    if (status === 503) return sendStatus(reply, request, status, error.message)
    logger.error({ err: error, reqId: request.id, url: request.url }, 'request failed')
    return sendStatus(reply, request, 500, `internal error; see the collector log for request id ${request.id}`)
  }
}
