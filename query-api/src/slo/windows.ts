/**
 * Durations of SLO and alert windows as text: `<n>m`, `<n>h` or `<n>d` (whole minutes, so every
 * window is a whole number of rollup minutes). The burn-rate windows of an SLO's status are
 * fixed; an SLO's own window is 7, 28 or 30 days.
 */

export const BURN_RATE_WINDOWS = ['5m', '30m', '1h', '6h', '1d', '3d'] as const
export type BurnRateWindow = (typeof BURN_RATE_WINDOWS)[number]

export const SLO_WINDOW_DAYS = [7, 28, 30] as const
export type SloWindowDays = (typeof SLO_WINDOW_DAYS)[number]

export const MINUTE_MS = 60_000
export const DAY_MS = 86_400_000

/** The pattern rule windows must match (schemas use it too). */
export const WINDOW_PATTERN = '^[1-9][0-9]{0,4}[mhd]$'

/** The longest window any rule may ask for: the longest SLO window. */
export const MAX_WINDOW_MS = 30 * DAY_MS

const UNIT_MS: Record<string, number> = { m: MINUTE_MS, h: 3_600_000, d: DAY_MS }

/** `5m` → 300000; null for anything else (or beyond MAX_WINDOW_MS). */
export function windowMs(text: string): number | null {
  const match = /^([1-9][0-9]{0,4})([mhd])$/.exec(text)
  if (!match) return null
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!
  return ms <= MAX_WINDOW_MS ? ms : null
}

/** windowMs for a text the schema has validated already; throws for a bug. */
export function windowMsOrThrow(text: string): number {
  const ms = windowMs(text)
  if (ms === null) throw new RangeError(`not a window: ${JSON.stringify(text)} (expected e.g. 5m, 6h, 3d, at most 30d)`)
  return ms
}

/** 300000 → `5m`, 86400000 → `1d`: the largest unit that divides the duration. */
export function formatWindow(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS}d`
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`
  if (ms % MINUTE_MS === 0) return `${ms / MINUTE_MS}m`
  throw new RangeError(`a window is a whole number of minutes, got ${ms} ms`)
}
