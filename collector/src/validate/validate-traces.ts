/**
 * Span rules (in addition to the attribute rules of item-rules.ts):
 * - traceId 16 bytes and spanId 8 bytes, not all zeros; parentSpanId empty or 8 bytes (an
 *   all-zero parent is the same as none and is cleared);
 * - start time non-zero and inside the time window, end time not before start nor past the window;
 * - events and links at most `maxAttributes` each (cut in truncate mode, counted in
 *   droppedEventsCount / droppedLinksCount); a link needs valid ids.
 * Rejected spans are removed from the request in place; the tally counts them by reason.
 */
import type { Span, TracesRequest } from '@periscope/model'
import {
  checkAttributes,
  checkContainer,
  truncated,
  inWindow,
  reject,
  validId,
  type ItemRules,
  type RejectReason,
  type Tally,
  type TimeWindow,
} from './item-rules.ts'

const NO_ID = new Uint8Array(0)

function checkSpan(span: Span, rules: ItemRules, window: TimeWindow, tally: Tally): RejectReason | null {
  if (!validId(span.traceId, 16)) return 'invalid_trace_id'
  if (!validId(span.spanId, 8)) return 'invalid_span_id'
  if (span.parentSpanId.length !== 0) {
    if (span.parentSpanId.length !== 8) return 'invalid_parent_span_id'
    if (!validId(span.parentSpanId, 8)) span.parentSpanId = NO_ID
  }
  if (span.startTimeUnixNano === 0n || !inWindow(span.startTimeUnixNano, window)) return 'invalid_timestamp'
  if (span.endTimeUnixNano < span.startTimeUnixNano || span.endTimeUnixNano > window.maxNs) return 'invalid_timestamp'

  const attrReason = checkAttributes(span, rules, tally)
  if (attrReason) return attrReason

  if (span.events.length > rules.maxAttributes) {
    if (rules.onLimit === 'reject') return 'too_many_attributes'
    span.droppedEventsCount += span.events.length - rules.maxAttributes
    span.events.length = rules.maxAttributes
    truncated(tally, 'too_many_attributes')
  }
  for (const event of span.events) {
    const reason = checkAttributes(event, rules, tally)
    if (reason) return reason
  }

  if (span.links.length > rules.maxAttributes) {
    if (rules.onLimit === 'reject') return 'too_many_attributes'
    span.droppedLinksCount += span.links.length - rules.maxAttributes
    span.links.length = rules.maxAttributes
    truncated(tally, 'too_many_attributes')
  }
  for (const link of span.links) {
    if (!validId(link.traceId, 16) || !validId(link.spanId, 8)) return 'invalid_link'
    const reason = checkAttributes(link, rules, tally)
    if (reason) return reason
  }
  return null
}

export function validateTraces(request: TracesRequest, rules: ItemRules, window: TimeWindow, tally: Tally): void {
  const resources = request.resourceSpans
  for (let r = 0; r < resources.length; r++) {
    const rs = resources[r]!
    if (rs.resource) checkContainer(rs.resource, rules, tally)
    for (let s = 0; s < rs.scopeSpans.length; s++) {
      const ss = rs.scopeSpans[s]!
      if (ss.scope) checkContainer(ss.scope, rules, tally)
      const spans = ss.spans
      let kept = 0
      for (let i = 0; i < spans.length; i++) {
        const span = spans[i]!
        tally.received++
        const truncationsBefore = tally.truncations
        const parentBefore = span.parentSpanId
        const reason = checkSpan(span, rules, window, tally)
        if (reason) reject(tally, reason, `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`)
        else {
          if (tally.truncations !== truncationsBefore || span.parentSpanId !== parentBefore) tally.modifiedItems.add(span)
          spans[kept++] = span
        }
      }
      spans.length = kept
    }
  }
}
