/**
 * Log record rules (in addition to the attribute and body rules of item-rules.ts):
 * - traceId empty or 16 bytes, spanId empty or 8 bytes; an all-zero id means "none" and is cleared
 *   (the record is then modified: its wire bytes no longer match it);
 * - the record's time (its time, or its observed time when the time is absent) is non-zero and
 *   inside the time window; a non-zero observed time is inside it too.
 * Rejected records are removed from the request in place; the tally counts them by reason.
 */
import type { LogRecord, LogsRequest } from '@periscope/model'
import {
  checkAttributes,
  checkContainer,
  checkBody,
  inWindow,
  reject,
  validId,
  type ItemRules,
  type RejectReason,
  type Tally,
  type TimeWindow,
} from './item-rules.ts'

const NO_ID = new Uint8Array(0)

function checkRecord(record: LogRecord, rules: ItemRules, window: TimeWindow, tally: Tally): RejectReason | null {
  if (record.traceId.length !== 0) {
    if (record.traceId.length !== 16) return 'invalid_trace_id'
    if (!validId(record.traceId, 16)) {
      record.traceId = NO_ID
      tally.modifiedItems.add(record)
    }
  }
  if (record.spanId.length !== 0) {
    if (record.spanId.length !== 8) return 'invalid_span_id'
    if (!validId(record.spanId, 8)) {
      record.spanId = NO_ID
      tally.modifiedItems.add(record)
    }
  }
  const timeNs = record.timeUnixNano !== 0n ? record.timeUnixNano : record.observedTimeUnixNano
  if (timeNs === 0n || !inWindow(timeNs, window)) return 'invalid_timestamp'
  if (record.observedTimeUnixNano !== 0n && !inWindow(record.observedTimeUnixNano, window)) return 'invalid_timestamp'

  const attrReason = checkAttributes(record, rules, tally)
  if (attrReason) return attrReason
  if (record.body) {
    const holder = { value: record.body }
    const bodyReason = checkBody(holder, rules, tally)
    if (bodyReason) return bodyReason
    record.body = holder.value
  }
  return null
}

export function validateLogs(request: LogsRequest, rules: ItemRules, window: TimeWindow, tally: Tally): void {
  const resources = request.resourceLogs
  for (let r = 0; r < resources.length; r++) {
    const rl = resources[r]!
    if (rl.resource) checkContainer(rl.resource, rules, tally)
    for (let s = 0; s < rl.scopeLogs.length; s++) {
      const sl = rl.scopeLogs[s]!
      if (sl.scope) checkContainer(sl.scope, rules, tally)
      const records = sl.logRecords
      let kept = 0
      for (let i = 0; i < records.length; i++) {
        const record = records[i]!
        tally.received++
        const reason = checkRecord(record, rules, window, tally)
        if (reason) reject(tally, reason, `resourceLogs[${r}].scopeLogs[${s}].logRecords[${i}]`)
        else records[kept++] = record
      }
      records.length = kept
    }
  }
}
