/**
 * What the SLO card derives from a status answer (GET /slos/:id/status): the burn-down points
 * with the even-spend line of the window, and the time to exhaustion as text.
 */
import type { SloStatus } from '../../api/types.ts'

export interface BurnDownRow {
  [key: string]: number
  t: number
  /** fraction of the window's budget left */
  remaining: number
  /** the even-spend line: 1 at the window's start, 0 at its end */
  ideal: number
}

/** The status's burn-down with the ideal line over [toMs − windowMs, toMs]. */
export function burnDownRows(status: Pick<SloStatus, 'burnDown'>, window: { fromMs: number; toMs: number }): BurnDownRow[] {
  const span = window.toMs - window.fromMs
  return status.burnDown.map((p) => ({
    t: p.t,
    remaining: p.remaining,
    ideal: span > 0 ? 1 - Math.min(1, Math.max(0, (p.t - window.fromMs) / span)) : 0,
  }))
}

/** "not burning" when nothing burns (null), "exhausted" at 0, else the largest two units ("3d 4h", "2h 5m", "45s"). */
export function formatTimeToExhaustion(seconds: number | null): string {
  if (seconds === null) return 'not burning'
  if (seconds <= 0) return 'exhausted'
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ]
  // the largest unit and the one just below it (zero parts left out): "3d 4h", "1d", "2h 5m"
  const total = Math.floor(seconds)
  const first = units.findIndex(([, size]) => total >= size)
  if (first < 0) return '< 1s'
  const parts: string[] = []
  let rest = total
  for (const [unit, size] of units.slice(first, first + 2)) {
    const n = Math.floor(rest / size)
    rest -= n * size
    if (n > 0) parts.push(`${n}${unit}`)
  }
  return parts.join(' ')
}
