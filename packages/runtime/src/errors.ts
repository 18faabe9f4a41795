/**
 * Coded errors, in the manner of @fastify/error: each package keeps one registry file (e.g.
 * collector/src/errors.ts) that declares all of its errors once with `createError`, so every code
 * is grep-able and documented in one place.
 *
 *   export const BodyTooLarge = createError<[number, number]>(
 *     'PERISCOPE_ERR_COLLECTOR_BODY_TOO_LARGE', 'request body of %s bytes exceeds the limit of %s bytes', 413)
 *   throw new BodyTooLarge(sizeBytes, limitBytes)
 *   throw new StoreUnavailable({ cause: error })   // a trailing { cause } is the Error cause, not a template argument
 *
 * Instances carry `code`, `statusCode` (read by fastify and by problemErrorHandler) and `cause`.
 */
import { format } from 'node:util'

const BRAND = Symbol.for('periscope.error')

/** Codes are upper snake, `PERISCOPE_ERR_<PACKAGE>_<WHAT>`. */
const CODE_PATTERN = /^PERISCOPE_ERR_[A-Z0-9]+(_[A-Z0-9]+)*$/

export class PeriscopeError extends Error {
  readonly code: string
  readonly statusCode: number

  constructor(code: string, message: string, statusCode: number, options?: ErrorOptions) {
    super(message, options)
    this.name = 'PeriscopeError'
    this.code = code
    this.statusCode = statusCode
  }

  get [BRAND](): true {
    return true
  }

  override toString(): string {
    return `${this.name} [${this.code}]: ${this.message}`
  }
}

export interface PeriscopeErrorClass<Args extends unknown[]> {
  new (...args: Args | [...Args, { cause: unknown }]): PeriscopeError
  readonly code: string
  readonly statusCode: number
  readonly template: string
}

/**
 * Declares an error class. `template` uses util.format placeholders (%s, %d, %j) filled from the
 * constructor arguments; `statusCode` is the HTTP status a handler answers with (500 by default).
 * Throws on a malformed code: that is a bug in the registry file, found at import time.
 */
export function createError<Args extends unknown[] = unknown[]>(code: string, template: string, statusCode = 500): PeriscopeErrorClass<Args> {
  if (!CODE_PATTERN.test(code)) throw new Error(`error code ${JSON.stringify(code)} must look like PERISCOPE_ERR_<PACKAGE>_<WHAT>`)
  if (template === '') throw new Error(`error ${code} needs a message template`)
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) throw new Error(`error ${code} has invalid HTTP status ${statusCode}`)

  const CodedError = class extends PeriscopeError {
    static readonly code = code
    static readonly statusCode = statusCode
    static readonly template = template
    constructor(...args: unknown[]) {
      const last = args[args.length - 1]
      const options = isCauseOption(last) ? (args.pop() as { cause: unknown }) : undefined
      super(code, format(template, ...args), statusCode, options)
    }
  }
  Object.defineProperty(CodedError, 'name', { value: code })
  return CodedError as unknown as PeriscopeErrorClass<Args>
}

function isCauseOption(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'cause' in value && Object.keys(value).length === 1
}

/** True for any error made by createError (also across duplicated copies of this module). */
export function isPeriscopeError(error: unknown): error is PeriscopeError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true
}
