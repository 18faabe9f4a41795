/**
 * Links to the trace page, built from ids that come from telemetry. A trace id is 32 hex
 * characters and a span id 16 (the OTLP mapping writes them so), but the strings are stored
 * and returned as the sender gave them — a span link's ids, a log's ids — so they are checked
 * before they become part of a URL: anything else gets no link (not a link with a path made of
 * untrusted text, which could point anywhere in the app), and an all-zero id means "none".
 */

const TRACE_ID = /^[0-9a-f]{32}$/i
const SPAN_ID = /^[0-9a-f]{16}$/i
const ALL_ZERO = /^0+$/

export function isTraceId(id: string): boolean {
  return TRACE_ID.test(id) && !ALL_ZERO.test(id)
}

/** `/traces/<id>` (with `?span=<id>` when the span id is valid), or null when the trace id is not one */
export function traceHref(traceId: string, spanId?: string | null): string | null {
  if (!isTraceId(traceId)) return null
  const span = spanId && SPAN_ID.test(spanId) && !ALL_ZERO.test(spanId) ? `?span=${spanId}` : ''
  return `/traces/${traceId}${span}`
}
