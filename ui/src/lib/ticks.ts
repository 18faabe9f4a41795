/**
 * Tick marks of a time axis: steps of 1, 2 or 5 × 10^k of the unit, the largest count not
 * above `maxTicks`, placed at whole multiples of the step, so labels read "0, 20ms, 40ms…".
 */
import { formatDurationNs } from './format.ts'

export interface Tick {
  /** ns from the origin (the trace start) */
  offsetNs: number
  /** position in the viewed window, 0..1 */
  fraction: number
  label: string
}

/** The smallest 1/2/5×10^k not below `raw` (raw > 0). */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1
  const exp = Math.floor(Math.log10(raw))
  const base = 10 ** exp
  for (const m of [1, 2, 5, 10]) {
    const step = m * base
    // tolerate float error of log10 (e.g. 1e-9 × 1e9)
    if (step >= raw * (1 - 1e-9)) return step
  }
  return 10 * base
}

/**
 * Ticks over [fromNs, toNs] (offsets from the origin); at most maxTicks + 1 ticks, the first at
 * the first step multiple ≥ fromNs.
 */
export function timeTicks(fromNs: number, toNs: number, maxTicks = 5): Tick[] {
  const width = toNs - fromNs
  if (!(width > 0) || maxTicks < 1) return []
  const step = niceStep(width / maxTicks)
  const first = Math.ceil(fromNs / step - 1e-9) * step
  const ticks: Tick[] = []
  for (let i = 0; ; i++) {
    const offsetNs = first + i * step
    if (offsetNs > toNs + step * 1e-9 || i > maxTicks + 1) break
    // round away float noise so 0.30000000000000004ms reads 0.3ms
    const clean = Math.round(offsetNs / step) * step
    ticks.push({ offsetNs: clean, fraction: (clean - fromNs) / width, label: formatDurationNs(clean) })
  }
  return ticks
}
