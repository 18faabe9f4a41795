/**
 * Outcomes at the decoding boundary: malformed input is an expected failure, so it is a value
 * (`Result` with an `OtlpDecodeError`), never an exception that escapes this package. One bad item
 * inside a well-formed request is an `ItemRejection`: the item is dropped, the others are kept, and
 * the rejection is counted by the caller (OTLP partial success).
 */

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E }

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value }
}

export function err<E>(error: E): { ok: false; error: E } {
  return { ok: false, error }
}

/** A request body that cannot be decoded at all. `path` names the field, e.g. `resourceSpans[0].scopeSpans[1].spans[3].traceId`. */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError'
  readonly path: string
  readonly reason: string

  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super(path === '' ? reason : `${path}: ${reason}`, options)
    this.path = path
    this.reason = reason
  }
}

/** One item (span, log record, data point) left out of the rows; the rest of its request is kept. */
export interface ItemRejection {
  path: string
  reason: string
}
