/** An SLO's rolling window as ms: "30d"/"7d"/"1h" strings or ms numbers; 30 days by default. */
import { parseIntervalMs } from '../../lib/time-range.ts'

export const DEFAULT_SLO_WINDOW_MS = 30 * 86_400_000

export function sloWindowMs(window: string | number | undefined): number {
  if (typeof window === 'number' && window > 0) return window
  if (typeof window === 'string') return parseIntervalMs(window) ?? (/^\d+$/.test(window) ? Number(window) : DEFAULT_SLO_WINDOW_MS)
  return DEFAULT_SLO_WINDOW_MS
}
