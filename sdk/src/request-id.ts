/**
 * The correlation id of a request: one id per incoming request, accepted from the caller's
 * `x-request-id` header or generated, kept in the OpenTelemetry context (so it follows the request
 * through async work exactly like the active span), put on every span and log line of the request
 * and sent downstream on every outgoing call.
 *
 * Propagation is a TextMapPropagator, so every instrumentation that extracts or injects trace
 * context (http, undici/fetch, kafkajs) carries the request id with no code of its own.
 *
 * Wire format: one header, `x-request-id` by default, value 1–128 printable ASCII characters
 * without spaces. Anything else received is replaced by a generated id (it would end up verbatim
 * in log lines, so it is not trusted).
 */
import { randomUUID } from 'node:crypto'
import { context, createContextKey, type Context, type TextMapGetter, type TextMapPropagator, type TextMapSetter } from '@opentelemetry/api'

export const REQUEST_ID_HEADER = 'x-request-id'
/** Attribute name on spans, and field name in log lines. */
export const REQUEST_ID_ATTRIBUTE = 'request_id'
export const MAX_REQUEST_ID_LENGTH = 128

const REQUEST_ID_KEY = createContextKey('periscope.request_id')
const VALID_ID_RE = /^[\x21-\x7e]{1,128}$/

export function isValidRequestId(value: unknown): value is string {
  return typeof value === 'string' && VALID_ID_RE.test(value)
}

export function generateRequestId(): string {
  return randomUUID()
}

export function getRequestId(ctx: Context): string | undefined {
  return ctx.getValue(REQUEST_ID_KEY) as string | undefined
}

export function setRequestId(ctx: Context, id: string): Context {
  return ctx.setValue(REQUEST_ID_KEY, id)
}

/** The request id of the active context, if any. */
export function currentRequestId(): string | undefined {
  return getRequestId(context.active())
}

/** Runs `fn` with `id` as the request id (a generated one when `id` is absent or invalid). */
export function withRequestId<T>(id: string | undefined, fn: () => T): T {
  return context.with(setRequestId(context.active(), isValidRequestId(id) ? id : generateRequestId()), fn)
}

export interface RequestIdPropagatorOptions {
  /** Header name, lower case. Default `x-request-id`. */
  header?: string
  /** Generate an id on extract when the carrier has none. Default true. */
  generate?: boolean
}

/**
 * Extract is only called where a request enters the process (http server, message consumer), so
 * generating there gives every incoming request an id before its server span starts.
 */
export function createRequestIdPropagator(options: RequestIdPropagatorOptions = {}): TextMapPropagator {
  const header = (options.header ?? REQUEST_ID_HEADER).toLowerCase()
  const generate = options.generate !== false
  return {
    inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
      const id = getRequestId(ctx)
      if (id !== undefined) setter.set(carrier, header, id)
    },
    extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
      let received = getter.get(carrier, header)
      if (Array.isArray(received)) received = received[0]
      if (isValidRequestId(received)) return setRequestId(ctx, received)
      // An id already in the context (e.g. fastify's own extract within a request) is kept.
      if (getRequestId(ctx) !== undefined || !generate) return ctx
      return setRequestId(ctx, generateRequestId())
    },
    fields(): string[] {
      return [header]
    },
  }
}
