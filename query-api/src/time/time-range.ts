/**
 * The time range of a query: half-open [fromNs, toNs) in unix ns. Absent `to` is now, absent
 * `from` is `to − limits.defaultRangeMs`. A range must be non-empty and at most
 * `limits.maxRangeMs` wide (400 otherwise), which bounds every scan by time.
 */
import { BadRequest, RangeTooWide } from '../errors.ts'
import { NS_PER_MS, msToNs, parseInstantNs } from './instant.ts'

export interface TimeRange {
  /** inclusive, unix ns */
  readonly fromNs: bigint
  /** exclusive, unix ns */
  readonly toNs: bigint
}

export interface TimeRangeLimits {
  readonly defaultRangeMs: number
  readonly maxRangeMs: number
}

export function resolveTimeRange(
  input: { from?: string | undefined; to?: string | undefined },
  limits: TimeRangeLimits,
  nowMs: number,
): TimeRange {
  const toNs = input.to === undefined ? msToNs(nowMs) : parseOrThrow('to', input.to)
  const fromNs = input.from === undefined ? toNs - msToNs(limits.defaultRangeMs) : parseOrThrow('from', input.from)
  if (fromNs >= toNs) throw new BadRequest(`from must be before to (from=${input.from ?? '(default)'}, to=${input.to ?? 'now'})`)
  const widthMs = Number((toNs - fromNs) / NS_PER_MS)
  if (toNs - fromNs > msToNs(limits.maxRangeMs)) throw new RangeTooWide(widthMs, limits.maxRangeMs)
  return { fromNs, toNs }
}

function parseOrThrow(name: string, text: string): bigint {
  const ns = parseInstantNs(text)
  if (ns === null) throw new BadRequest(`${name} must be unix milliseconds or an RFC 3339 time, got ${JSON.stringify(text.slice(0, 64))}`)
  return ns
}

export function rangeWidthMs(range: TimeRange): number {
  return Number(range.toNs - range.fromNs) / 1e6
}
