/**
 * The per-item rules every received span, log record and data point passes, and the tally of
 * what they did. The rules mutate the decoded request in place (the collector owns it and the
 * common case is "nothing to change", which then allocates nothing).
 *
 * Rules for attribute lists (item attributes, event/link attributes, resource and scope attributes):
 * - at most `maxAttributes` entries; arrays and kvlists inside values likewise;
 * - every string or bytes leaf, and every key, at most `maxAttributeValueBytes` (UTF-8 bytes);
 * - log bodies use `maxLogBodyBytes` for their leaves instead;
 * - arrays and kvlists nest at most MAX_VALUE_DEPTH levels (the model's rule, so ingest never
 *   drops what the collector accepted); truncation replaces a too-deep value by an empty one.
 * Over a limit, `onLimit: 'truncate'` cuts (strings at a UTF-8 character boundary, lists to their
 * first entries, adding what was cut from an item's attribute list to its droppedAttributesCount)
 * and counts a truncation; `'reject'` rejects the item. Resource and scope attributes are always
 * truncated: rejecting them would reject every item under them for one oversized label.
 *
 * Every reason is one of `RejectReason` / `TruncateReason`: a bounded set, used as metric labels.
 */
import { MAX_VALUE_DEPTH, type AnyValue, type KeyValue } from '@periscope/model'

export interface ItemRules {
  maxAttributes: number
  maxAttributeValueBytes: number
  maxLogBodyBytes: number
  onLimit: 'truncate' | 'reject'
  /** items older than this (by start/time) are rejected */
  maxAgeMs: number
  /** items further than this in the future are rejected (clock skew allowance) */
  maxFutureMs: number
}

export const DEFAULT_ITEM_RULES: ItemRules = Object.freeze({
  maxAttributes: 128,
  maxAttributeValueBytes: 16 * 1024,
  maxLogBodyBytes: 64 * 1024,
  onLimit: 'truncate',
  maxAgeMs: 7 * 24 * 3600_000,
  maxFutureMs: 3600_000,
})

export type RejectReason =
  | 'invalid_trace_id'
  | 'invalid_span_id'
  | 'invalid_parent_span_id'
  | 'invalid_link'
  | 'invalid_timestamp'
  | 'invalid_metric'
  | 'too_many_attributes'
  | 'attribute_too_large'
  | 'attribute_too_deep'
  | 'item_too_large'

export type TruncateReason = 'too_many_attributes' | 'attribute_too_large' | 'attribute_too_deep'

/** What validation did to one request; `firstRejection` seeds the partial-success message. */
export interface Tally {
  received: number
  rejected: number
  rejectedBy: Partial<Record<RejectReason, number>>
  truncatedBy: Partial<Record<TruncateReason, number>>
  /** all truncations, of any reason: a change of this number means something was rewritten */
  truncations: number
  firstRejection: string | null
  /** kept items the rules changed (their wire bytes no longer match them) */
  modifiedItems: Set<object>
  /** true when a resource or scope was changed */
  modifiedContainers: boolean
}

export function createTally(): Tally {
  return { received: 0, rejected: 0, rejectedBy: {}, truncatedBy: {}, truncations: 0, firstRejection: null, modifiedItems: new Set(), modifiedContainers: false }
}

export function reject(tally: Tally, reason: RejectReason, path: string, count = 1): void {
  tally.rejected += count
  tally.rejectedBy[reason] = (tally.rejectedBy[reason] ?? 0) + count
  if (tally.firstRejection === null) tally.firstRejection = `${path}: ${reason.replaceAll('_', ' ')}`
}

export function truncated(tally: Tally, reason: TruncateReason): void {
  tally.truncatedBy[reason] = (tally.truncatedBy[reason] ?? 0) + 1
  tally.truncations++
}

/** Applies the attribute rules to a resource or scope (always truncating), noting a change. */
export function checkContainer(owner: Attributed, rules: ItemRules, tally: Tally): void {
  const before = tally.truncations
  checkAttributes(owner, rules, tally, 'truncate')
  if (tally.truncations !== before) tally.modifiedContainers = true
}

/** The OTLP partial-success message for a tally with rejections ('' when none). */
export function rejectionMessage(tally: Tally, itemName: string): string {
  if (tally.rejected === 0) return ''
  const reasons = Object.entries(tally.rejectedBy)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ')
  return `rejected ${tally.rejected} of ${tally.received} ${itemName} (${reasons}); first: ${tally.firstRejection}`
}

/** Cuts a string to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8')
  if (bytes.length <= maxBytes) return text
  let end = maxBytes
  // step back over continuation bytes (10xxxxxx) to the start of the cut character
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--
  return bytes.toString('utf8', 0, end)
}

const EMPTY: AnyValue = Object.freeze({ type: 'empty' })

function utf8TooLong(text: string, maxBytes: number): boolean {
  // a UTF-16 code unit is at most 3 UTF-8 bytes: most strings are decided without counting
  return text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes
}

/**
 * Checks (and in truncate mode repairs) one value tree. Returns the reason the item must be
 * rejected, or null. `value` is replaced through `holder[field]` when a leaf is cut.
 */
function checkValue(
  holder: { value: AnyValue },
  maxItems: number,
  maxBytes: number,
  mode: ItemRules['onLimit'],
  tally: Tally,
  depth: number,
): RejectReason | null {
  const value = holder.value
  if ((value.type === 'array' || value.type === 'kvlist') && depth >= MAX_VALUE_DEPTH) {
    if (mode === 'reject') return 'attribute_too_deep'
    holder.value = EMPTY
    truncated(tally, 'attribute_too_deep')
    return null
  }
  switch (value.type) {
    case 'string':
      if (!utf8TooLong(value.value, maxBytes)) return null
      if (mode === 'reject') return 'attribute_too_large'
      holder.value = { type: 'string', value: truncateUtf8(value.value, maxBytes) }
      truncated(tally, 'attribute_too_large')
      return null
    case 'bytes':
      if (value.value.length <= maxBytes) return null
      if (mode === 'reject') return 'attribute_too_large'
      holder.value = { type: 'bytes', value: value.value.subarray(0, maxBytes) }
      truncated(tally, 'attribute_too_large')
      return null
    case 'array': {
      const items = value.value
      if (items.length > maxItems) {
        if (mode === 'reject') return 'too_many_attributes'
        items.length = maxItems
        truncated(tally, 'too_many_attributes')
      }
      const slot = { value: items[0]! }
      for (let i = 0; i < items.length; i++) {
        slot.value = items[i]!
        const reason = checkValue(slot, maxItems, maxBytes, mode, tally, depth + 1)
        if (reason) return reason
        items[i] = slot.value
      }
      return null
    }
    case 'kvlist':
      return checkList(value.value, maxItems, maxBytes, mode, tally, depth + 1).reason
    default:
      return null
  }
}

function checkList(
  list: KeyValue[],
  maxItems: number,
  maxBytes: number,
  mode: ItemRules['onLimit'],
  tally: Tally,
  depth: number,
): { reason: RejectReason | null; dropped: number } {
  let dropped = 0
  if (list.length > maxItems) {
    if (mode === 'reject') return { reason: 'too_many_attributes', dropped }
    dropped = list.length - maxItems
    list.length = maxItems
    truncated(tally, 'too_many_attributes')
  }
  for (let i = 0; i < list.length; i++) {
    const kv = list[i]!
    if (utf8TooLong(kv.key, maxBytes)) {
      if (mode === 'reject') return { reason: 'attribute_too_large', dropped }
      kv.key = truncateUtf8(kv.key, maxBytes)
      truncated(tally, 'attribute_too_large')
    }
    const reason = checkValue(kv, maxItems, maxBytes, mode, tally, depth)
    if (reason) return { reason, dropped }
  }
  return { reason: null, dropped }
}

/** An object with an attribute list, as spans, events, links, log records, resources are. */
export interface Attributed {
  attributes: KeyValue[]
  droppedAttributesCount: number
}

/** Applies the attribute rules to one owner; the reason to reject it, or null. */
export function checkAttributes(owner: Attributed, rules: ItemRules, tally: Tally, mode = rules.onLimit): RejectReason | null {
  const { reason, dropped } = checkList(owner.attributes, rules.maxAttributes, rules.maxAttributeValueBytes, mode, tally, 0)
  if (dropped > 0) owner.droppedAttributesCount += dropped
  return reason
}

/** Applies the body rules to a log body holder; the reason to reject, or null. */
export function checkBody(holder: { value: AnyValue }, rules: ItemRules, tally: Tally): RejectReason | null {
  return checkValue(holder, rules.maxAttributes, rules.maxLogBodyBytes, rules.onLimit, tally, 0)
}

/** The accepted time window for item timestamps, in unix ns. */
export interface TimeWindow {
  minNs: bigint
  maxNs: bigint
}

export function timeWindow(nowMs: number, rules: ItemRules): TimeWindow {
  const nowNs = BigInt(Math.floor(nowMs)) * 1_000_000n
  return {
    minNs: nowNs - BigInt(rules.maxAgeMs) * 1_000_000n,
    maxNs: nowNs + BigInt(rules.maxFutureMs) * 1_000_000n,
  }
}

export function inWindow(timeNs: bigint, window: TimeWindow): boolean {
  return timeNs >= window.minNs && timeNs <= window.maxNs
}

/** True for an id of exactly `length` bytes that is not all zeros. */
export function validId(id: Uint8Array, length: number): boolean {
  if (id.length !== length) return false
  for (let i = 0; i < length; i++) if (id[i] !== 0) return true
  return false
}
